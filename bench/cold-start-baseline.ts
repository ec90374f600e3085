/**
 * The cold-start floor: a handler that creates the SDK clients normalise creates (S3 and DynamoDB,
 * from `shared/adapters/clients/`) and makes one DynamoDB read, and nothing else. Bundled and
 * started like the functions, it shows how much of a cold start is Node and the AWS SDK (external:
 * loaded from node_modules here, from the runtime in Lambda) rather than our code.
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { dynamoDbClient } from '../shared/adapters/clients/dynamodb.js';
// Created, not called: normalise's other client, loaded at its cold start.
import '../shared/adapters/clients/s3.js';

export async function handler(): Promise<{ status: string }> {
  const { Item } = await dynamoDbClient.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: { S: 'bench#floor' }, sk: { S: 'none' } },
      ConsistentRead: true,
    }),
  );
  return { status: Item ? 'found' : 'ok' };
}
