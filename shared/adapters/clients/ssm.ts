/** The process's one SSMClient (see ../aws-clients.ts): imported alone, so a function loads only the SDK clients it uses. */
import { SSMClient } from '@aws-sdk/client-ssm';

export const ssmClient = new SSMClient({});
