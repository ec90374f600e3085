/**
 * The console API Lambda function: its settings read and checked all at once at cold start, the
 * partner registry read from CONSOLE_PARTNERS_FILE beside this module in the deployed bundle
 * (infra/constructs/console-api.ts writes it), and each API Gateway request answered by the console
 * service over the index, the queues, the quarantine, the stack's alarms and its delivery figures.
 */
import { readFileSync } from 'node:fs';
import { CONSOLE_PARTNERS_FILE, parseConsolePartners } from '../shared/console/partners-file.js';
import { consoleApi } from '../shared/pipeline/description.js';
import { loadSettings } from '../shared/pipeline/settings.js';
import { deployedConsoleApi } from './aws/console-api.js';

export const handler = deployedConsoleApi(
  loadSettings(consoleApi.settings, process.env),
  parseConsolePartners(readFileSync(new URL(`./${CONSOLE_PARTNERS_FILE}`, import.meta.url), 'utf8')),
);
