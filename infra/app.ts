/**
 * CDK app: `npx cdk synth -c stage=prod`. Synth needs no AWS credentials; the account and region come
 * from the CLI profile (CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION) when there is one.
 */
import { App, Tags } from 'aws-cdk-lib';
import { loadPartnerRegistry } from '../shared/partners/registry-file.js';
import { SyndicationStack } from './stacks/syndication-stack.js';

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

const app = new App();

const stage = String(app.node.tryGetContext('stage') ?? 'dev');
if (!STAGE_PATTERN.test(stage)) {
  throw new Error(`stage '${stage}' must be 1-20 characters of a-z, 0-9 and '-', starting with a letter`);
}

// Throws a ConfigurationError listing every problem, so an invalid registry never reaches a deployment.
const partners = loadPartnerRegistry();

new SyndicationStack(app, `Syndication-${stage}`, {
  stage,
  partners,
  description: `Content syndication pipeline (${stage})`,
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Tags.of(app).add('project', 'content-syndication');
Tags.of(app).add('stage', stage);
