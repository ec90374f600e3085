/** The process's one SNSClient (see ../aws-clients.ts): imported alone, so a function loads only the SDK clients it uses. */
import { SNSClient } from '@aws-sdk/client-sns';

export const snsClient = new SNSClient({});
