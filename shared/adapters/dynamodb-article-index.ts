/**
 * The article index on one DynamoDB table. Item layout (keys `pk`, `sk`):
 *   pk = article uri, sk = "article"    the current version (its changes drive publishing)
 *   pk = article uri, sk = "rejection"  the last rejected input for that uri
 * The full ninjs is stored as a JSON string attribute (items stay far below 400 KB for text articles).
 */
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ArticleRecord, RejectionRecord } from '../domain/article.js';
import { ConcurrentUpdateError } from '../domain/errors.js';
import type { Ninjs, PubStatus } from '../ninjs/types.js';
import type { ArticleIndex } from '../ports/article-index.js';

export const ARTICLE_SORT_KEY = 'article';
export const REJECTION_SORT_KEY = 'rejection';

type Item = Record<string, AttributeValue>;

export function articleToItem(record: ArticleRecord): Item {
  return marshall(
    {
      pk: record.uri,
      sk: ARTICLE_SORT_KEY,
      version: record.version,
      contentHash: record.contentHash,
      pubStatus: record.pubStatus,
      objectKey: record.objectKey,
      source: record.source,
      language: record.language,
      urgency: record.urgency,
      subjectCodes: [...record.subjectCodes],
      firstCreated: record.firstCreated,
      versionCreated: record.versionCreated,
      ninjs: JSON.stringify(record.ninjs),
    },
    { removeUndefinedValues: true },
  );
}

/** Decodes a table item or a stream image; undefined for items that are not article records. */
export function articleFromItem(item: Item): ArticleRecord | undefined {
  const value = unmarshall(item);
  if (value.sk !== ARTICLE_SORT_KEY) return undefined;
  return {
    uri: value.pk as string,
    version: value.version as number,
    contentHash: value.contentHash as string,
    pubStatus: value.pubStatus as PubStatus,
    objectKey: value.objectKey as string,
    source: value.source as string,
    ...(value.language !== undefined ? { language: value.language as string } : {}),
    ...(value.urgency !== undefined ? { urgency: value.urgency as number } : {}),
    subjectCodes: (value.subjectCodes as string[] | undefined) ?? [],
    firstCreated: value.firstCreated as string,
    versionCreated: value.versionCreated as string,
    ninjs: JSON.parse(value.ninjs as string) as Ninjs,
  };
}

export function rejectionFromItem(item: Item): RejectionRecord | undefined {
  const value = unmarshall(item);
  if (value.sk !== REJECTION_SORT_KEY) return undefined;
  return {
    uri: value.pk as string,
    objectKey: value.objectKey as string,
    code: value.code as string,
    message: value.message as string,
    sizeBytes: value.sizeBytes as number,
    rejectedAt: value.rejectedAt as string,
  };
}

export class DynamoDbArticleIndex implements ArticleIndex {
  constructor(
    private readonly dynamoDb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async current(uri: string): Promise<ArticleRecord | undefined> {
    const response = await this.dynamoDb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: uri, sk: ARTICLE_SORT_KEY }),
        ConsistentRead: true,
      }),
    );
    return response.Item ? articleFromItem(response.Item) : undefined;
  }

  async latestRejection(uri: string): Promise<RejectionRecord | undefined> {
    const response = await this.dynamoDb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall({ pk: uri, sk: REJECTION_SORT_KEY }),
        ConsistentRead: true,
      }),
    );
    return response.Item ? rejectionFromItem(response.Item) : undefined;
  }

  async saveVersion(record: ArticleRecord, expectedVersion: number | undefined): Promise<void> {
    const condition =
      expectedVersion === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: marshall({ ':expected': expectedVersion }),
          };
    try {
      await this.dynamoDb.send(
        new PutItemCommand({ TableName: this.tableName, Item: articleToItem(record), ...condition }),
      );
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as { name?: string }).name === 'ConditionalCheckFailedException'
      ) {
        throw new ConcurrentUpdateError(
          `${record.uri}: expected version ${expectedVersion ?? 'none'} to be current when saving ${record.version}`,
        );
      }
      throw error;
    }
  }

  async saveRejection(rejection: RejectionRecord): Promise<void> {
    await this.dynamoDb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ pk: rejection.uri, sk: REJECTION_SORT_KEY, ...rejection }),
      }),
    );
  }
}
