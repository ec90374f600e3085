/**
 * Points the partner kit at the local runtime instead of AWS (`--local`): `npm start` records in
 * `.syndicate/runtime.json`, at the project root, where its emulators listen, the region and
 * credentials they accept, its queues and topic, and the certificate its HTTPS relay signs with.
 * Nothing here is needed against AWS, where the standard credential chain and the stack's outputs
 * give the same.
 */
import { type RuntimeInfo, readRuntimeInfo } from '../local/runtime-file.js';

/** A mistake in how the example was started: one line for the user, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The running local runtime of the project around the current folder. */
export function localRuntime(): RuntimeInfo {
  const info = readRuntimeInfo();
  if (!info)
    throw new UsageError(
      'no local runtime is running for this project (start one with `npm start` in another terminal)',
    );
  return info;
}

/** SQS client settings for the local runtime's emulator. */
export function localSqsConfig(info: RuntimeInfo) {
  return {
    region: info.region,
    credentials: info.credentials,
    endpoint: info.endpoints.messaging,
    // The emulator's queue URLs name a host of their own: send every call to its endpoint instead.
    useQueueUrlAsEndpoint: false,
  };
}

/** The queue URL of a partner (by name) or of a queue (by name or URL) of the local runtime. */
export function localQueueUrl(info: RuntimeInfo, partnerOrQueue: string): string {
  const partnerQueues = info.resources.partnerQueues;
  const found = partnerQueues.find(
    ({ partner, queue }) =>
      partner.name === partnerOrQueue || queue.name === partnerOrQueue || queue.url === partnerOrQueue,
  );
  if (!found) {
    const names = partnerQueues
      .filter(({ partner }) => partner.delivery.type === 'sqs')
      .map(({ partner }) => partner.name);
    throw new UsageError(
      `the local runtime has no partner ${partnerOrQueue} (SQS partners: ${names.join(', ')})`,
    );
  }
  return found.queue.url;
}
