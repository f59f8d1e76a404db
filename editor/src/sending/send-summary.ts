/**
 * What the send confirmation says, in a café owner's words, from a send preview
 * (`GET /v1/flows/:id/send-preview`, `POST /v1/campaigns/preview`): who gets what, who
 * cannot, and what the messaging rules hold back.
 */
import type { api, Ok } from '../api';
import { formatClock } from '../shell/format';

/** The answer of `POST /v1/campaigns/preview` (`GET /v1/flows/:id/send-preview` adds `version`), as the route types it. */
export type SendPreviewAnswer = Ok<Awaited<ReturnType<typeof api.v1.campaigns.preview.$post>>>;

export interface SendSummary {
  /** "37 card holders: 37 pushes, 21 emails (16 have no email or did not agree)". */
  readonly headline: string;
  /** What the rules and earlier runs hold back, one sentence each. */
  readonly held: readonly string[];
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const CHANNEL = {
  push: { noun: ['push', 'pushes'], cannot: 'have not added the card to a phone wallet' },
  email: { noun: ['email', 'emails'], cannot: 'have no email or did not agree' },
} as const;

/**
 * The confirmation's words.
 *
 * @example
 * sendSummary(preview).headline // "37 card holders: 37 pushes, 21 emails (16 have no email or did not agree)"
 */
export function sendSummary(p: SendPreviewAnswer, who = 'card holder'): SendSummary {
  const parts = p.steps.map((s) => {
    const [one, many] = CHANNEL[s.channel].noun;
    const count = `${s.atMost ? 'up to ' : ''}${plural(s.reach, one, many)}`;
    return s.unreachable > 0 ? `${count} (${s.unreachable} ${CHANNEL[s.channel].cannot})` : count;
  });
  const headline =
    p.members === 0
      ? `Nobody would get anything now: no ${who} matches.`
      : `${plural(p.members, who)}: ${parts.length > 0 ? parts.join(', ') : 'no messages'}`;
  const held: string[] = [];
  for (const s of p.steps) {
    if (s.overWeeklyLimit === 0) continue;
    const cap = p.rules.frequencyCap[s.channel] ?? 0;
    const [one, many] = CHANNEL[s.channel].noun;
    held.push(`${s.overWeeklyLimit} already had ${plural(cap, one, many)} this week (your weekly limit) and will not get this one.`);
  }
  if (p.alreadyEntered > 0) held.push(`${p.alreadyEntered} already had this from an earlier run and are left out.`);
  if (p.heldUntil && p.rules.quietHours) {
    const { start, end } = p.rules.quietHours;
    held.push(`Held until ${formatClock(p.heldUntil, p.rules.timezone)} by quiet hours (${start}–${end}).`);
  }
  return { headline, held };
}
