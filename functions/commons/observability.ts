/**
 * One logger for every function, configured once per process. Structured JSON; the service name and
 * level come from POWERTOOLS_SERVICE_NAME / POWERTOOLS_LOG_LEVEL (set by the stack). Never log
 * article bodies: log keys, uris, versions and outcomes.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'content-syndication',
});
