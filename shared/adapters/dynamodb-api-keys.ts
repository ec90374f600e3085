/**
 * Feed API key digests in the article table, beside the articles (no table of their own to deploy,
 * back up and grant): `apikey#<sha256 hex>` / `apikey` names the partner (and, on a replaced key, when
 * it stops working); `partner#<name>` / `apikeys` holds the digests of its current and previous key.
 * A request costs one GetItem by digest. Neither item enters an index.
 */
import {
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { ApiKeyStore, StoredApiKey } from '../feeds/api-keys.js';

const KEY_SORT_KEY = 'apikey';
const PARTNER_SORT_KEY = 'apikeys';

const keyItemKey = (hash: string) => ({ pk: `apikey#${hash}`, sk: KEY_SORT_KEY });
const partnerItemKey = (partner: string) => ({ pk: `partner#${partner}`, sk: PARTNER_SORT_KEY });

export class DynamoDbApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly dynamoDb: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async byHash(hash: string): Promise<StoredApiKey | undefined> {
    const response = await this.dynamoDb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall(keyItemKey(hash)),
        ConsistentRead: true,
      }),
    );
    if (!response.Item) return undefined;
    const value = unmarshall(response.Item);
    return {
      partner: value.partner as string,
      hash,
      createdAt: value.createdAt as string,
      ...(value.validUntil ? { validUntil: value.validUntil as string } : {}),
    };
  }

  async put(key: StoredApiKey): Promise<void> {
    await this.dynamoDb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...keyItemKey(key.hash), ...key }, { removeUndefinedValues: true }),
      }),
    );
  }

  async delete(hash: string): Promise<void> {
    await this.dynamoDb.send(
      new DeleteItemCommand({ TableName: this.tableName, Key: marshall(keyItemKey(hash)) }),
    );
  }

  async keysOf(partner: string): Promise<{ current?: string; previous?: string }> {
    const response = await this.dynamoDb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: marshall(partnerItemKey(partner)),
        ConsistentRead: true,
      }),
    );
    if (!response.Item) return {};
    const value = unmarshall(response.Item);
    return {
      ...(value.current ? { current: value.current as string } : {}),
      ...(value.previous ? { previous: value.previous as string } : {}),
    };
  }

  async setKeysOf(partner: string, keys: { current: string; previous?: string }): Promise<void> {
    await this.dynamoDb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: marshall({ ...partnerItemKey(partner), ...keys }, { removeUndefinedValues: true }),
      }),
    );
  }
}
