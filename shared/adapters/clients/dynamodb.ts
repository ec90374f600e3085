/** The process's one DynamoDBClient (see ../aws-clients.ts): imported alone, so a function loads only the SDK clients it uses. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export const dynamoDbClient = new DynamoDBClient({});
