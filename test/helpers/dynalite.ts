/** A dynalite server on a free loopback port, and a DynamoDB client pointed at it, for one test file. */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { articlesTableDefinition } from '../../shared/adapters/table-layout.js';

export interface LocalDynamoDb {
  readonly client: DynamoDBClient;
  /** Creates a table laid out as the stack and the local runtime lay out the articles table. */
  articlesTable(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startDynalite(): Promise<LocalDynamoDb> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    client,
    async articlesTable(name) {
      await client.send(new CreateTableCommand(articlesTableDefinition(name)));
      return name;
    },
    async close() {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
