/** `syndicate receipts --source NAME`: what became of each file a publisher dropped, newest first. */
import { S3Receipts } from '../../shared/adapters/s3-receipts.js';
import type { Receipt } from '../../shared/ports/receipts.js';
import type { Parsed } from '../support.js';
import { CliError, positiveInteger, say } from '../support.js';
import { resolveTarget } from '../targets.js';

/** One receipt as a publisher reads it: what happened, then why and what to do when rejected. */
export function describeReceipt(receipt: Receipt): string[] {
  const head = `${receipt.at} ${receipt.objectKey} (${receipt.event === 'removed' ? 'deleted' : 'dropped'})`;
  if (receipt.status === 'rejected') {
    return [
      `${head} → REJECTED ${receipt.code ?? ''}: ${receipt.message ?? ''}`,
      ...(receipt.fix ? [`    to fix: ${receipt.fix}`] : []),
    ];
  }
  const article = receipt.uri
    ? ` ${receipt.uri}${receipt.version !== undefined ? ` v${receipt.version}` : ''}`
    : '';
  return [`${head} →${article} ${receipt.status}`, ...(receipt.delivery ? [`    ${receipt.delivery}`] : [])];
}

export async function commandReceipts({ values }: Parsed): Promise<number> {
  const source = typeof values.source === 'string' ? values.source : undefined;
  if (!source) throw new CliError('receipts needs --source NAME', 'e.g. syndicate receipts --source wire');
  const limit = positiveInteger('limit', String(values.limit));
  const target = await resolveTarget({
    ...(typeof values.stack === 'string' ? { stack: values.stack } : {}),
    ...(typeof values.profile === 'string' ? { profile: values.profile } : {}),
    ...(typeof values.region === 'string' ? { region: values.region } : {}),
  });
  try {
    const receipts = await new S3Receipts(target.s3).list(target.bucket, source, limit);
    if (values.json) {
      say(JSON.stringify(receipts, null, 2));
      return 0;
    }
    if (receipts.length === 0) say(`no receipts for source '${source}' in ${target.description}`);
    for (const receipt of receipts) for (const line of describeReceipt(receipt)) say(line);
    return 0;
  } finally {
    target.close();
  }
}
