/**
 * Publish: the articles table's stream goes to publish, which sends each new version, update and
 * withdrawal to every topic of its payload variant (the partners' subscriptions filter them), links
 * documents too large for a message through the content API, and schedules the release of embargoed versions.
 * Batches it gives up on are described in the stream DLQ.
 */
import type { Construct } from 'constructs';
import {
  type Partner,
  registryWantsLinkedSummaries,
  registryWantsSummaries,
} from '../../shared/partners/registry.js';
import { publish } from '../../shared/pipeline/description.js';
import type { Reservation } from '../config.js';
import type { ContentApi } from './content-api.js';
import type { EmbargoRelease } from './embargo-release.js';
import { PipelineFunction } from './pipeline-function.js';
import {
  bucketResource,
  functionResource,
  queueResource,
  roleResource,
  scheduleGroupResource,
  tableResource,
  topicsResource,
} from './pipeline-resources.js';
import { type FunctionDefaults, PipelineStage, reservedConcurrency } from './pipeline-stage.js';
import type { StatefulResources } from './stateful-resources.js';

export interface PublishStageProps {
  /** Where message links point: publish signs links to it with its key and writes nothing. */
  readonly contentApi: ContentApi;
  readonly resources: StatefulResources;
  readonly functionDefaults: FunctionDefaults;
  /** The topic ARNs of each payload variant, as JSON (TOPIC_ROUTES). */
  readonly topicRoutes: string;
  readonly embargoRelease: EmbargoRelease;
  /** The partners: whether any takes summaries, and whether any of those is entitled to the full text. */
  readonly partners: readonly Partner[];
  /** How long a claim-check link is valid, in seconds (1 minute to 7 days). */
  readonly contentLinkExpirySeconds: number;
  /** Concurrent executions reserved for publish (its floor and ceiling), or `none`. */
  readonly reservedConcurrency: Reservation;
}

export class PublishStage extends PipelineStage {
  readonly publishFunction: PipelineFunction;

  constructor(scope: Construct, id: string, props: PublishStageProps) {
    super(scope, id);
    const { resources, embargoRelease } = props;
    this.publishFunction = new PipelineFunction(this, 'Publish', {
      describedBy: publish,
      ...props.functionDefaults,
      // Normalise and everything else in the account cannot starve publish, nor publish them.
      ...reservedConcurrency(props.reservedConcurrency),
    });
    this.publishFunction.bindAll({
      articleTopics: topicsResource([...resources.topics.values()], props.topicRoutes, resources.topicKey),
      articlesTable: tableResource(resources.articlesTable),
      contentBucket: bucketResource(resources.contentBucket),
      scheduleGroup: scheduleGroupResource(resources.scheduleGroup),
      schedulerRole: roleResource(embargoRelease.schedulerRole),
      releaseFunction: functionResource(embargoRelease.releaseFunction),
      releaseDlq: queueResource(resources.queues.releaseDlq),
      linkSigningSecret: props.contentApi.signingSecret(),
    });
    this.publishFunction.configure('contentApiUrl', props.contentApi.url);
    // Parsed as publish parses it: outside 1 minute to 7 days (SigV4's longest) it fails here.
    this.publishFunction.configure('contentLinkExpirySeconds', String(props.contentLinkExpirySeconds));
    this.publishFunction.configure('summaries', String(registryWantsSummaries(props.partners)));
    this.publishFunction.configure('linkedSummaries', String(registryWantsLinkedSummaries(props.partners)));
    this.publishFunction.connectSource({ queues: resources.queues, table: resources.articlesTable });
  }
}
