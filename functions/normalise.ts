/**
 * The normalise Lambda function: its settings read and checked all at once at cold start (a deployment
 * with a wrong one fails its first call listing every problem), its AWS clients created, its handler
 * built over them (./handlers/normalise.ts says what it does).
 */
import { normalise } from '../shared/pipeline/description.js';
import { loadSettings } from '../shared/pipeline/settings.js';
import { awsDependencies } from './aws/normalise.js';
import { createNormaliseHandler } from './handlers/normalise.js';

export const handler = createNormaliseHandler(awsDependencies(loadSettings(normalise.settings, process.env)));
