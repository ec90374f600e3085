/**
 * CDK app: `npx cdk synth -c stage=prod -c operatorEmails=oncall@example.com`. Synth needs no AWS
 * credentials; the account and region come from the CLI profile (CDK_DEFAULT_ACCOUNT /
 * CDK_DEFAULT_REGION) when there is one. Settings: see `infra/config.ts`. cdk-nag's AwsSolutions
 * checks run in every synth and fail it on any unacknowledged finding.
 */
import { App, Tags } from 'aws-cdk-lib';
import { loadPartnerRegistry } from '../shared/partners/registry-file.js';
import { loadPublisherRegistry } from '../shared/publishers/registry-file.js';
import { stageConfigFrom } from './config.js';
import { addNagChecks } from './nag.js';
import { SyndicationStack, stackPropsFrom } from './stacks/syndication-stack.js';

const app = new App();

// Each throws a ConfigurationError listing every problem, so invalid settings never reach a deployment.
const config = stageConfigFrom((key) => app.node.tryGetContext(key));
const partners = loadPartnerRegistry(config.partnersFile);
const publishers = loadPublisherRegistry(config.publishersFile);

new SyndicationStack(app, `Syndication-${config.stage}`, {
  ...stackPropsFrom(config, partners, publishers),
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Tags.of(app).add('project', 'content-syndication');
Tags.of(app).add('stage', config.stage);
addNagChecks(app);
