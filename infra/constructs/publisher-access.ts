/**
 * One publisher's way in: an S3 access point on the ingest bucket whose policy lets the publisher's
 * writers put and delete objects under `<name>/` and nothing else. The bucket delegates exactly
 * those actions to this stack's publisher access points (`delegateToPublisherAccessPoints`), so a
 * publisher can neither write another's prefix nor read anything, and adding a publisher never
 * rewrites a shared bucket policy.
 *
 * Why access points rather than a prefix-scoped bucket policy or a role per publisher: AWS
 * recommends access points for a bucket shared by many parties, each with its own policy, and
 * recommends delegating the bucket's access control to them ("Delegating access control to access
 * points", Amazon S3 User Guide). A bucket policy holds at most 20 KB for every publisher together;
 * each access point has its own 20 KB, and an account may have 10,000 per Region. A role in our
 * account would make publishers manage assumed-role credentials of ours; with an access point they
 * use their own roles, and their account's administrators keep deciding who inside it may write.
 */
import { Aws } from 'aws-cdk-lib';
import { AnyPrincipal, ArnPrincipal, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { type Bucket, CfnAccessPoint } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { RECEIPTS_PREFIX } from '../../shared/domain/receipt.js';
import { type Publisher, publisherPrefix } from '../../shared/publishers/registry.js';

/**
 * What a publisher may do in its prefix: upload (single and multipart PUT are both s3:PutObject),
 * give up a multipart upload, and delete, which on the versioned bucket adds a delete marker and so
 * withdraws the article. Not DeleteObjectVersion: the history stays ours.
 */
export const PUBLISHER_OBJECT_ACTIONS = ['s3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'];

/** Where the pipeline leaves a publisher its receipts (shared/domain/receipt.ts), readable by it alone. */
export function publisherReceiptsPrefix(publisher: Pick<Publisher, 'name'>): string {
  return `${RECEIPTS_PREFIX}${publisherPrefix(publisher)}`;
}

/** S3's limit on access point names (3-50 characters, a-z, 0-9, '-'). */
const ACCESS_POINT_NAME_MAX = 50;
const ACCESS_POINT_PREFIX = 'synd';

/**
 * The access point's name: `synd-<stage>-<publisher>`. It must be fixed at synth (the policy names
 * the access point's own ARN), unique per account and Region (the stage keeps stages apart), and at
 * most 50 characters (stage 20 + publisher 24 + 6).
 */
export function publisherAccessPointName(stage: string, publisher: Pick<Publisher, 'name'>): string {
  const name = `${ACCESS_POINT_PREFIX}-${stage}-${publisher.name}`;
  if (name.length > ACCESS_POINT_NAME_MAX) {
    throw new Error(`access point name '${name}' is longer than S3's ${ACCESS_POINT_NAME_MAX} characters`);
  }
  return name;
}

/** The ARN of an access point of this stack's account and Region. */
function accessPointArn(name: string): string {
  return `arn:${Aws.PARTITION}:s3:${Aws.REGION}:${Aws.ACCOUNT_ID}:accesspoint/${name}`;
}

/** A writer as an IAM principal: an account id stands for the account, a role ARN for that role. */
export function writerPrincipal(writer: string): string {
  return /^\d{12}$/.test(writer) ? `arn:${Aws.PARTITION}:iam::${writer}:root` : writer;
}

/**
 * Lets the bucket accept the publisher actions when (and only when) they arrive through one of this
 * stage's publisher access points, whose own policies decide who and which prefix.
 */
export function delegateToPublisherAccessPoints(bucket: Bucket, stage: string): void {
  bucket.addToResourcePolicy(
    new PolicyStatement({
      sid: 'DelegatePublisherWritesToTheirAccessPoints',
      principals: [new AnyPrincipal()],
      actions: PUBLISHER_OBJECT_ACTIONS,
      resources: [bucket.arnForObjects('*')],
      conditions: {
        StringEquals: { 's3:DataAccessPointAccount': Aws.ACCOUNT_ID },
        ArnLike: { 's3:DataAccessPointArn': accessPointArn(`${ACCESS_POINT_PREFIX}-${stage}-*`) },
      },
    }),
  );
  // Reading receipts back: objects under receipts/ and listing, each access point's policy narrowing
  // them to its publisher's own receipts/<name>/.
  bucket.addToResourcePolicy(
    new PolicyStatement({
      sid: 'DelegatePublisherReceiptReadsToTheirAccessPoints',
      principals: [new AnyPrincipal()],
      actions: ['s3:GetObject'],
      resources: [bucket.arnForObjects(`${RECEIPTS_PREFIX}*`)],
      conditions: {
        StringEquals: { 's3:DataAccessPointAccount': Aws.ACCOUNT_ID },
        ArnLike: { 's3:DataAccessPointArn': accessPointArn(`${ACCESS_POINT_PREFIX}-${stage}-*`) },
      },
    }),
  );
  bucket.addToResourcePolicy(
    new PolicyStatement({
      sid: 'DelegatePublisherReceiptListingToTheirAccessPoints',
      principals: [new AnyPrincipal()],
      actions: ['s3:ListBucket'],
      resources: [bucket.bucketArn],
      conditions: {
        StringEquals: { 's3:DataAccessPointAccount': Aws.ACCOUNT_ID },
        ArnLike: { 's3:DataAccessPointArn': accessPointArn(`${ACCESS_POINT_PREFIX}-${stage}-*`) },
      },
    }),
  );
}

export interface PublisherAccessProps {
  readonly bucket: Bucket;
  readonly publisher: Publisher;
  readonly stage: string;
}

export class PublisherAccess extends Construct {
  readonly publisher: Publisher;
  readonly accessPoint: CfnAccessPoint;
  readonly accessPointName: string;
  /** What the publisher passes as the bucket to S3 (SDKs and the CLI take access point ARNs). */
  readonly accessPointArn: string;
  /** A bucket-style name for tools that only take bucket names. */
  readonly accessPointAlias: string;

  constructor(scope: Construct, id: string, props: PublisherAccessProps) {
    super(scope, id);
    const { bucket, publisher } = props;
    this.publisher = publisher;
    this.accessPointName = publisherAccessPointName(props.stage, publisher);
    this.accessPointArn = accessPointArn(this.accessPointName);
    const statement = new PolicyStatement({
      sid: 'PublisherWritesItsOwnPrefix',
      principals: publisher.writers.map((writer) => new ArnPrincipal(writerPrincipal(writer))),
      actions: PUBLISHER_OBJECT_ACTIONS,
      // Objects through an access point are `<access point ARN>/object/<key>`.
      resources: [`${this.accessPointArn}/object/${publisherPrefix(publisher)}*`],
    });
    const principals = publisher.writers.map((writer) => new ArnPrincipal(writerPrincipal(writer)));
    const receipts = publisherReceiptsPrefix(publisher);
    const readReceipts = new PolicyStatement({
      sid: 'PublisherReadsItsOwnReceipts',
      principals,
      actions: ['s3:GetObject'],
      resources: [`${this.accessPointArn}/object/${receipts}*`],
    });
    const listReceipts = new PolicyStatement({
      sid: 'PublisherListsItsOwnReceipts',
      principals,
      actions: ['s3:ListBucket'],
      resources: [this.accessPointArn],
      conditions: { StringLike: { 's3:prefix': [`${receipts}*`] } },
    });
    this.accessPoint = new CfnAccessPoint(this, 'AccessPoint', {
      bucket: bucket.bucketName,
      name: this.accessPointName,
      // Internet origin: publishers write from their own accounts and networks, over HTTPS only
      // (access points accept nothing else); nothing about them is public.
      publicAccessBlockConfiguration: {
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      policy: {
        Version: '2012-10-17',
        Statement: [statement, readReceipts, listReceipts].map((each) => each.toStatementJson()),
      },
    });
    this.accessPointAlias = this.accessPoint.attrAlias;
  }
}
