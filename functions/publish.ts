/**
 * The publish Lambda function: its settings read and checked all at once at cold start (a deployment
 * with a wrong one fails its first call listing every problem), its AWS clients created, its handler
 * built over them (./handlers/publish.ts says what it does).
 */
import { publish } from '../shared/pipeline/description.js';
import { loadSettings } from '../shared/pipeline/settings.js';
import { awsDependencies } from './aws/publish.js';
import { createPublishHandler } from './handlers/publish.js';

export const handler = createPublishHandler(awsDependencies(loadSettings(publish.settings, process.env)));
