/**
 * The cold-start floor: a handler that creates the SDK clients normalise creates at its cold start
 * (S3 and DynamoDB, as functions/aws/normalise.ts does) and makes one DynamoDB read, and nothing
 * else. Bundled and started like the functions, it shows how much of a cold start is Node and the
 * AWS SDK (external: loaded from node_modules here, from the runtime in Lambda) rather than our code.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

const dynamoDb = new DynamoDBClient({});
// Created, not called: normalise's other client.
new S3Client({});

export async function handler(): Promise<{ status: string }> {
  const { Item } = await dynamoDb.send(
    new GetItemCommand({
      TableName: process.env.TABLE_NAME,
      Key: { pk: { S: 'bench#floor' }, sk: { S: 'none' } },
      ConsistentRead: true,
    }),
  );
  return { status: Item ? 'found' : 'ok' };
}
