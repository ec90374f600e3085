/**
 * The content API Lambda function: its settings read and checked all at once at cold start, its AWS
 * clients created, and the API Gateway event (payload format 2.0) answered by the content API
 * (signed documents read through the index, partner feeds). Read-only on the table and the index
 * documents.
 */
import { contentApi } from '../shared/pipeline/description.js';
import { loadSettings } from '../shared/pipeline/settings.js';
import { awsDependencies } from './aws/content-api.js';

export const handler = awsDependencies(loadSettings(contentApi.settings, process.env));
