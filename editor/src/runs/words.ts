/**
 * The inspector's plain words: what a status, a source, a channel or a delivery's reason
 * means to a café owner. Codes stay visible in badges; these sentences explain them.
 */

export type RunStatus = 'scheduled' | 'running' | 'completed' | 'failed' | 'cancelled';

/** True while a run can still change (poll it, offer Cancel). */
export function isLive(status: string | undefined): boolean {
  return status === 'scheduled' || status === 'running';
}

const SOURCES: Record<string, string> = {
  api: 'Started by hand',
  schedule: 'Started by its schedule',
  event: 'Started by a customer event',
};

/** Who started a run. */
export function sourceLabel(source: string): string {
  return SOURCES[source] ?? source;
}

const CHANNELS: Record<string, string> = { push: 'Wallet push', email: 'Email', telegram: 'Telegram' };

/** A delivery channel by name. */
export function channelLabel(channel: string): string {
  return CHANNELS[channel] ?? channel;
}

const STEP_KINDS: Record<string, string> = {
  trigger: 'Start',
  segment: 'Segment',
  wait: 'Wait',
  push: 'Push',
  email: 'Email',
  voucher: 'Voucher',
  telegram: 'Telegram',
};

/** A node kind as a word (`push` → `Push`). */
export function stepKindLabel(kind: string | undefined): string {
  return kind ? (STEP_KINDS[kind] ?? kind) : 'Step';
}

const REASONS: Record<string, string> = {
  no_consent: 'No email consent: they did not agree to emails',
  no_email: 'No email address on file',
  no_pass: 'No wallet pass installed, so no push can reach them',
  frequency_cap: 'Weekly limit: they already got the most messages allowed this week',
  quiet_hours: 'Held back during quiet hours',
  inactive_recipient: 'The address bounced or marked mail as spam before, so it is not mailed again',
  not_in_segment: 'Did not pass a check in the flow',
  not_in_audience: 'Not meant for them',
  unsubscribed: 'They unsubscribed from your emails',
  no_wallet_device: 'The card is in no Apple or Google wallet yet, so no phone can be reached',
  google_notification_budget: 'Shown without a sound on Google Wallet: Google allows 3 notifications per card a day',
  unregistered: 'The phone removed the card (Apple said the device is unregistered)',
  bad_device_token: 'Apple refused the device token; the device is forgotten',
  telegram_not_linked: 'Has not linked Telegram: they never tapped “Get messages on Telegram” on their card page, or unlinked',
  telegram_no_bot: 'No Telegram bot is connected in Settings',
  telegram_blocked: 'They blocked the bot on Telegram; unlinked, and never sent to again',
  telegram_unconfirmed: 'The sending stopped while Telegram was being asked; not sent again so it cannot arrive twice',
};

/** `unregistered (apple 3f2a…)` → the sentence for `unregistered`, naming the device. */
function deviceReason(part: string): string | undefined {
  const m = /^(\w+) \((apple|google) (.+)\)$/.exec(part);
  if (!m) return undefined;
  const [, code = '', platform, device = ''] = m;
  const sentence = REASONS[code] ?? code.replaceAll('_', ' ');
  return `${sentence} — ${platform === 'apple' ? 'Apple device' : 'Google pass'} ${device.slice(0, 12)}`;
}

/**
 * A delivery's reason as a sentence. Reasons with detail (`suppressed: HardBounce`,
 * `invalid_email: …`, `postmark_error_406: …`, `provider: …`) keep the detail.
 *
 * @example
 * reasonText('no_consent') // "No email consent: they did not agree to emails"
 */
export function reasonText(reason: string | null | undefined): string {
  if (!reason) return '';
  const known = REASONS[reason];
  if (known) return known;
  // Push deliveries list each device that was not reached: `code (platform device); …`.
  const parts = reason.split('; ');
  if (parts.length > 1 || deviceReason(parts[0] ?? '')) {
    return parts.map((p) => REASONS[p] ?? deviceReason(p) ?? p).join('. ');
  }
  const colon = reason.indexOf(':');
  const head = colon < 0 ? reason : reason.slice(0, colon);
  const detail = colon < 0 ? '' : reason.slice(colon + 1).trim();
  if (head === 'suppressed') return `On the do-not-mail list${detail ? ` (${REASONS[detail] ?? detail})` : ''}`;
  if (head === 'invalid_email') return `The email address is not valid${detail ? `: ${detail}` : ''}`;
  if (head.startsWith('postmark_error_')) return `The email service refused it${detail ? `: ${detail}` : ''}`;
  if (head === 'provider') return `The email service could not be reached${detail ? `: ${detail}` : ''}`;
  if (head.startsWith('exit_rule')) return `Left by the exit rule${detail ? ` "${detail}"` : ''}`;
  return reason.replaceAll('_', ' ');
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Why members got nothing, one group at a time: the count leads, then what stopped them. */
const GROUPS: Record<string, [one: string, many: string]> = {
  no_pass: ['has not added the card to a phone wallet, so no push could reach them', 'have not added the card to a phone wallet, so no push could reach them'],
  no_email: ['has no email address on file', 'have no email address on file'],
  no_consent: ['did not agree to emails', 'did not agree to emails'],
  unsubscribed: ['unsubscribed from your emails', 'unsubscribed from your emails'],
  frequency_cap: ['reached their weekly limit of messages', 'reached their weekly limit of messages'],
  suppressed: ['is on the do-not-mail list (an earlier email bounced or was marked as spam)', 'are on the do-not-mail list (an earlier email bounced or was marked as spam)'],
  failed: ['could not be sent to: the message failed', 'could not be sent to: the messages failed'],
  sending: ['is being sent to right now', 'are being sent to right now'],
  holdout: ['kept back to measure this flow (on purpose)', 'kept back to measure this flow (on purpose)'],
  exit_rule: ['left the flow early by its exit rule (a visit or a redeemed reward)', 'left the flow early by its exit rule (a visit or a redeemed reward)'],
  no_wallet_device: ['has the card in no phone wallet yet', 'have the card in no phone wallet yet'],
  inactive_recipient: ['has an address that bounced or marked mail as spam before', 'have an address that bounced or marked mail as spam before'],
  invalid_email: ['has an email address that is not valid', 'have an email address that is not valid'],
};

/**
 * A group of members who got nothing, as a sentence that leads with the count.
 *
 * @example
 * nothingSentText('no_email', 12, false) // "12 have no email address on file"
 */
export function nothingSentText(reason: string, count: number, live: boolean): string {
  if (reason === 'no_message') {
    return live
      ? `${count} ${count === 1 ? 'has' : 'have'} not reached a message step yet`
      : `${plural(count, 'customer', 'customers')} did not reach a message: a check or a wait in the flow sent them another way`;
  }
  const words = GROUPS[reason];
  if (words) return `${count} ${count === 1 ? words[0] : words[1]}`;
  // A reason without its own sentence: the delivery's sentence, after the count.
  return `${plural(count, 'customer', 'customers')}: ${reasonText(reason) || 'not sent'}`;
}
