/** The process's one SchedulerClient (see ../aws-clients.ts): imported alone, so a function loads only the SDK clients it uses. */
import { SchedulerClient } from '@aws-sdk/client-scheduler';

export const schedulerClient = new SchedulerClient({});
