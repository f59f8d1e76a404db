/** A campaign's reach in words, counted per person rather than per message. */

export interface Reached {
  readonly customers: number;
  readonly push: number;
  readonly email: number;
  readonly telegram?: number;
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/**
 * "25 customers: 25 pushes, 17 emails"; "Nobody yet" before anything went out.
 *
 * @example
 * reachedText({ customers: 25, push: 25, email: 17 }, ['push', 'email']) // "25 customers: 25 pushes, 17 emails"
 */
export function reachedText(reached: Reached, channels: readonly ('push' | 'email' | 'telegram')[]): string {
  if (reached.customers === 0) return 'Nobody yet';
  const parts = [
    ...(channels.includes('push') ? [plural(reached.push, 'push', 'pushes')] : []),
    ...(channels.includes('email') ? [plural(reached.email, 'email', 'emails')] : []),
    ...(channels.includes('telegram') ? [plural(reached.telegram ?? 0, 'Telegram message', 'Telegram messages')] : []),
  ];
  return `${plural(reached.customers, 'customer', 'customers')}: ${parts.join(', ')}`;
}

const STATUS_WORDS: Record<string, string> = {
  scheduled: 'Scheduled',
  running: 'Sending',
  completed: 'Sent',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** A campaign run's status as the owner says it. */
export function campaignStatusText(status: string | null): string {
  return status ? (STATUS_WORDS[status] ?? status) : 'Starting';
}
