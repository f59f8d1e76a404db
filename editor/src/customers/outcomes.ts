/**
 * What a run's outcome for one customer means, in a sentence a café owner understands.
 * The badge says it in a word; the server's own message adds the detail.
 */

interface OutcomeWords {
  /** The short answer to "why did this customer get nothing?". */
  readonly headline: string;
  /** The badge colour: the same status classes the rest of the app uses. */
  readonly tone: 'sent' | 'skipped' | 'failed' | 'waiting' | 'pending';
}

const OUTCOMES: Record<string, OutcomeWords> = {
  sent: { headline: 'Got the message — it went out to them', tone: 'sent' },
  not_in_audience: {
    headline: 'Not meant for them — the run was for other customers (the reason is below)',
    tone: 'skipped',
  },
  not_in_segment: {
    headline: 'Did not match — they did not pass a check in the flow, so no message was meant for them',
    tone: 'skipped',
  },
  no_consent: { headline: 'No email consent — the email step skipped them', tone: 'skipped' },
  unsubscribed: {
    headline: 'Unsubscribed — they opted out of your emails, so the email step skipped them',
    tone: 'skipped',
  },
  no_email: { headline: 'No email address — the email step skipped them', tone: 'skipped' },
  suppressed: { headline: 'On the do-not-mail list — an earlier email bounced or was marked as spam', tone: 'skipped' },
  capped: { headline: 'Weekly limit — they already got the most messages allowed this week', tone: 'skipped' },
  quiet_hours: { headline: 'Held for quiet hours — it goes out when quiet hours end', tone: 'waiting' },
  left_journey: {
    headline: 'Left the journey before a message — for example they visited, or an exit rule took them out',
    tone: 'skipped',
  },
  no_pass: {
    headline: 'No wallet pass — the card is not in their phone’s wallet, so the push could not reach them',
    tone: 'skipped',
  },
  no_wallet_device: {
    headline: 'No wallet device — the card is in no Apple or Google wallet yet, so no phone could be reached',
    tone: 'skipped',
  },
  waiting: { headline: 'Still waiting — they sit in a wait step; the message comes later', tone: 'waiting' },
  failed: { headline: 'Sending failed — the provider refused it or could not be reached', tone: 'failed' },
  pending: { headline: 'Not reached yet — the run has not got to them', tone: 'pending' },
  finished: { headline: 'Went through the journey — no message was on their path', tone: 'skipped' },
  skipped: { headline: 'Skipped — the message step passed them over', tone: 'skipped' },
  run_cancelled: { headline: 'The run was cancelled before it reached them', tone: 'skipped' },
  run_failed: { headline: 'The run failed before it reached them', tone: 'failed' },
  holdout: {
    headline: 'Kept back to measure this flow — got nothing on purpose, to show how many come back anyway',
    tone: 'skipped',
  },
};

/**
 * The plain-language headline and badge tone of an outcome code; unknown codes read as
 * the server's message.
 *
 * @example
 * explainOutcome('no_consent').headline // "No email consent — the email step skipped them"
 */
export function explainOutcome(code: string, message?: string): OutcomeWords {
  return OUTCOMES[code] ?? { headline: message || code.replaceAll('_', ' '), tone: 'pending' };
}
