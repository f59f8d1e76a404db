/**
 * What a delivery's status means for counting. An email the provider accepted is `sent`,
 * and moves on to `delivered`, `bounced` or `complained` when the provider reports back;
 * all four were sent, for a run's totals, frequency caps and "sends in the last 30 days".
 */
import type { DeliveryStatus } from '../db/schema';

export const SENT_STATUSES = [
  'sent',
  'delivered',
  'bounced',
  'complained',
] as const satisfies readonly DeliveryStatus[];

/** True when the message went out (whatever the provider reported after). */
export function wasSent(status: string): boolean {
  return (SENT_STATUSES as readonly string[]).includes(status);
}

/** The total a status counts towards: `sent`, `failed`, `suppressed`, `skipped`, or none (`sending`). */
export function tallyOf(status: string): 'sent' | 'failed' | 'suppressed' | 'skipped' | undefined {
  if (wasSent(status)) return 'sent';
  if (status === 'failed' || status === 'suppressed' || status === 'skipped') return status;
  return undefined;
}
