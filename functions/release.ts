/**
 * The release Lambda function: its settings read and checked all at once at cold start (a deployment
 * with a wrong one fails its first call listing every problem), its AWS clients created, its handler
 * built over them (./handlers/release.ts says what it does).
 */
import { release } from '../shared/pipeline/description.js';
import { loadSettings } from '../shared/pipeline/settings.js';
import { awsDependencies } from './aws/release.js';
import { createReleaseHandler } from './handlers/release.js';

export const handler = createReleaseHandler(awsDependencies(loadSettings(release.settings, process.env)));
