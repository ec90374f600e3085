/**
 * SDK v3 clients, created once per process (outside any handler) and shared by every adapter.
 *
 * Each client lives in its own module under ./clients/ and a function imports only those it uses:
 * loading an SDK client package is most of a cold start's fixed cost, and normalise needs neither
 * SNS nor the Scheduler. This module gathers all four for the local runtime and its tools.
 *
 * Endpoints, region and credentials come from the standard AWS environment. The local runtime
 * points them at the emulators with AWS_ENDPOINT_URL_S3 / _DYNAMODB / _SNS / _SCHEDULER, and attaches its
 * change-capture middleware to these same instances — the handlers never know the difference.
 */
export { dynamoDbClient } from './clients/dynamodb.js';
export { s3Client } from './clients/s3.js';
export { schedulerClient } from './clients/scheduler.js';
export { snsClient } from './clients/sns.js';
