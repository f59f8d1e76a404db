/**
 * Runs one step of a plan over a seq range of its group, page by page, and counts what
 * entered it. Everything is idempotent per page, so a retried activity (after a crash, a
 * timeout or a provider error) picks up where the last attempt stopped without doubling
 * anything.
 */
import { activityInfo, cancellationSignal, heartbeat } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import type { ExitRule, Step } from '../../engine/compiler/plan';
import type { StepContext } from './context';
import { emailPage } from './email';
import { loadEmails } from './email-recipients';
import { claim, record } from '../../engine/deliveries/ledger';
import { hasStopped, runHasStopped } from '../../engine/runs/run-live';
import type { SeqRange } from '../../engine/runs/member-group';
import { recordExits } from './exits';
import { enteredRow } from './entered';
import {
  loadMembers,
  loadRecipients,
  loadRecipientsPage,
  type MemberRow,
  type PageRef,
  type RecipientRow,
} from './members';
import { pushOutboxPage, pushPage } from './push';
import { decideSegment } from './segment';
import { issueVouchers } from './voucher';
import { telegramPage } from './telegram';

export const PAGE_SIZE = 500;
/** Well inside the workflow's heartbeat timeout, also while a provider call is pending. */
const HEARTBEAT_EVERY_MS = 1_000;

/** How many members took each outcome (`next`, or a segment's `match`/`else`). */
export type OutcomeCounts = Record<string, number>;

/** A run's exit rules and when its members entered it. */
export interface ExitRules {
  readonly rules: readonly ExitRule[];
  readonly since: Date;
}

export async function processStepRange(
  ctx: StepContext,
  page: Omit<PageRef, 'range' | 'exits'>,
  step: Step,
  range: SeqRange,
  exits?: ExitRules,
): Promise<OutcomeCounts> {
  // A retry resumes after the last page an earlier attempt finished, with the counts so
  // far (its heartbeat carries both); redoing those pages would be harmless, only slower.
  const resumed = resumePoint(range);
  const counts: OutcomeCounts = resumed?.counts ?? {};
  let nextSeq = resumed?.nextSeq ?? range.from;
  // A copy: the SDK may serialise heartbeat details later, and `counts` keeps changing.
  const progress = (): Progress => ({ nextSeq, counts: { ...counts } });
  // A heartbeat on a timer, not only between pages: a slow provider call is not a dead worker.
  const beat = setInterval(() => heartbeat(progress()), HEARTBEAT_EVERY_MS);
  // A retry: the first page it finds with unrecorded messages is the one a dead attempt
  // may have sent without recording (an attempt writes each page's rows before the next).
  const retry = { attempt: activityInfo().attempt, pending: activityInfo().attempt > 1 };
  try {
    for (let from = nextSeq; from < range.to; from += PAGE_SIZE) {
      // An attempt Temporal has given up on (timed out, cancelled) stops here, so it never
      // starts a page that its retry is working on.
      if (cancellationSignal().aborted) throw new CancelledFailure('activity cancelled; its retry takes over');
      // A cancelled (or failed) run closes its workflow at once, while this activity hears of
      // it only at its next heartbeat, seconds later: the run's row says so before every page.
      // (Message pages without exit rules read it with their recipients, before any write.)
      const checkedInPage = !exits && (step.kind === 'push' || step.kind === 'email' || step.kind === 'telegram');
      if (!checkedInPage && (await runHasStopped(ctx.db, page.runId))) throw runEnded();
      const ref: PageRef = {
        ...page,
        range: { from, to: Math.min(from + PAGE_SIZE, range.to) },
        exits: exits !== undefined,
      };
      if (exits) await recordExits(ctx.db, ref, step.id, exits.rules, exits.since);
      const { entered, outcomes, counted } = await processPage(ctx, step, ref, retry).catch(async (err: unknown) => {
        if (step.kind === 'email' && err instanceof ApplicationFailure && err.nonRetryable) {
          await recordUnsent(ctx, step.id, ref, range.to, err.message);
        }
        throw err;
      });
      // Push and email pages write their count with their last ledger statement (`counted`).
      if (entered > 0 && !counted) await recordEntered(ctx, step.id, ref, entered);
      // Counts and position move together, with no await in between, so no heartbeat
      // can report one without the other.
      for (const m of outcomes) counts[m.outcome ?? 'next'] = (counts[m.outcome ?? 'next'] ?? 0) + 1;
      nextSeq = ref.range.to;
      heartbeat(progress());
    }
  } finally {
    clearInterval(beat);
  }
  return counts;
}

/** What a heartbeat records: every page below `nextSeq` is done, with these counts. */
interface Progress {
  readonly nextSeq: number;
  readonly counts: OutcomeCounts;
}

function resumePoint({ from: fromSeq, to: toSeq }: SeqRange): Progress | undefined {
  const details = activityInfo().heartbeatDetails as Partial<Progress> | undefined;
  const seq = details?.nextSeq;
  if (typeof seq !== 'number' || seq < fromSeq || seq > toSeq || typeof details?.counts !== 'object') return undefined;
  return { nextSeq: seq, counts: { ...details.counts } };
}

/**
 * Does the step's work for one page. Returns how many members entered and, for each, the
 * outcome they leave by (a segment's decision; null for the single `next`); `counted` when
 * the step wrote the page's `run_step_pages` row itself, with its own writes.
 */
async function processPage(
  ctx: StepContext,
  step: Step,
  page: PageRef,
  retry: { readonly attempt: number; pending: boolean },
): Promise<{ entered: number; outcomes: ReadonlyArray<{ outcome: string | null }>; counted?: boolean }> {
  const leaveByNext = (members: readonly MemberRow[]) => ({
    entered: members.length,
    outcomes: members.map(() => ({ outcome: null })),
  });
  switch (step.kind) {
    case 'wait':
      return leaveByNext(await loadMembers(ctx.db, page));
    case 'voucher': {
      const members = await loadMembers(ctx.db, page);
      await issueVouchers(ctx, page.runId, step, members);
      return leaveByNext(members);
    }
    case 'segment': {
      const decided = await decideSegment(ctx, page, step);
      return { entered: decided.length, outcomes: decided };
    }
    case 'push': {
      const wallet = ctx.channels.wallet;
      if (wallet && (wallet.apns || wallet.google)) {
        const recipients = await messagePage(ctx, page);
        await pushPage(ctx, wallet, page.runId, step, recipients);
        return leaveByNext(recipients);
      }
      // The outbox push: one statement reads the page, writes it and counts it.
      const { entered, runStatus } = await pushOutboxPage(ctx, step, page);
      if (hasStopped(runStatus)) throw runEnded();
      return { entered, outcomes: Array.from({ length: entered }, () => ({ outcome: null })), counted: true };
    }
    case 'email': {
      // One statement reads the page with each address's suppression and its ledger rows.
      const { recipients, todo, claimedBefore, runStatus } = await loadEmails(ctx, step, page);
      if (recipients.length > 0 ? hasStopped(runStatus) : await runHasStopped(ctx.db, page.runId)) throw runEnded();
      const mayHaveSent = retry.pending && todo.size > 0 ? todo : claimedBefore;
      if (todo.size > 0) retry.pending = false;
      const counted = await emailPage(ctx, step, recipients, page, { todo, mayHaveSent, attempts: retry.attempt });
      return { entered: recipients.length, outcomes: recipients.map(() => ({ outcome: null })), counted };
    }
    case 'telegram': {
      const recipients = await messagePage(ctx, page);
      await telegramPage(ctx, step, recipients, page);
      return leaveByNext(recipients);
    }
    default: {
      const unknown: never = step;
      throw new Error(`unknown step kind in ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The provider refused an email call for good (a bad token, a bad request): the step ends
 * here and the run fails. So that no member is left without an answer, the refused page
 * counts its entered members (its rows are recorded as failed by the email step), and every
 * member of the range's later pages gets a failed row naming the refusal.
 */
async function recordUnsent(
  ctx: StepContext,
  nodeId: string,
  refused: PageRef,
  toSeq: number,
  why: string,
): Promise<void> {
  const key = { runId: refused.runId, nodeId, channel: 'email' as const, heldUntil: ctx.heldUntil };
  await recordEntered(ctx, nodeId, refused, (await loadRecipients(ctx.db, refused)).length);
  for (let from = refused.range.to; from < toSeq; from += PAGE_SIZE) {
    const ref: PageRef = { ...refused, range: { from, to: Math.min(from + PAGE_SIZE, toSeq) } };
    const recipients = await loadRecipients(ctx.db, ref);
    const mine = await claim(ctx.db, key, recipients, ctx.claimKey);
    const reason = `not sent: the provider refused an earlier call of this step (${why})`;
    await record(
      ctx.db,
      key,
      recipients
        .filter((r) => mine.has(r.customerId))
        .map((r) => ({ seq: r.seq, customerId: r.customerId, status: 'failed' as const, reason })),
    );
    await recordEntered(ctx, nodeId, ref, recipients.length);
  }
}

/**
 * A message page's recipients, read with the run's status: a run that has ended stops the
 * activity before the page writes or sends anything (an empty page asks the run's row alone).
 */
async function messagePage(ctx: StepContext, page: PageRef): Promise<RecipientRow[]> {
  const { recipients, runStatus } = await loadRecipientsPage(ctx.db, page);
  if (recipients.length > 0 ? hasStopped(runStatus) : await runHasStopped(ctx.db, page.runId)) throw runEnded();
  return recipients;
}

const runEnded = () => new CancelledFailure('the run has ended; no further pages');


/** One row per page and group: a retried page counts once. */
async function recordEntered(ctx: StepContext, nodeId: string, page: PageRef, entered: number): Promise<void> {
  await enteredRow(nodeId, page, entered).execute(ctx.db);
}
