/** The common first design: one workflow per recipient, one activity per message. */
import { proxyActivities } from '@temporalio/workflow';
import type { NaiveActivities, NaiveRecipient } from './activities';

const { pushOne, emailOne } = proxyActivities<NaiveActivities>({ startToCloseTimeout: '1 minute' });

export async function sendToOne(input: NaiveRecipient): Promise<void> {
  await pushOne(input);
  await emailOne(input);
}
