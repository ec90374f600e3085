/**
 * SDK v3 clients, created once per process (outside any handler) and shared by every adapter.
 *
 * Endpoints, region and credentials come from the standard AWS environment. The local runtime
 * points them at the emulators with AWS_ENDPOINT_URL_S3 / _DYNAMODB / _SNS / _SCHEDULER, and attaches its
 * change-capture middleware to these same instances — the handlers never know the difference.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';

export const s3Client = new S3Client({});
export const dynamoDbClient = new DynamoDBClient({});
export const snsClient = new SNSClient({});
export const schedulerClient = new SchedulerClient({});
