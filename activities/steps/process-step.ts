/**
 * Runs one step of a plan over a seq range of its group, page by page: does the step's
 * work for each page, then forwards the page's members to the step's successors.
 * Everything is idempotent per page, so a retried activity (after a crash, a timeout or
 * a provider error) picks up where the last attempt stopped without doubling anything.
 */
import { heartbeat } from '@temporalio/activity';
import type { Step } from '../../engine/flow/plan';
import { decideSegment } from './segment';
import { emailPage } from './email';
import { forwardMembers } from './forward';
import { loadMembers, loadRecipients, type MemberRow, type PageRef } from './members';
import { pushPage } from './push';
import { issueVouchers } from './voucher';
import type { StepContext } from './context';

/** The trigger takes part as a step that only forwards the audience to the entry steps. */
export interface TriggerStep {
  readonly kind: 'trigger';
  readonly id: string;
  readonly next: { readonly next: readonly string[] };
}
export type RunnableStep = Step | TriggerStep;

export const PAGE_SIZE = 500;

/** How many members took each outcome (`next`, or a segment's `match`/`else`). */
export type OutcomeCounts = Record<string, number>;

export async function processStepRange(
  ctx: StepContext,
  runId: string,
  step: RunnableStep,
  fromSeq: number,
  toSeq: number,
): Promise<OutcomeCounts> {
  const counts: OutcomeCounts = {};
  for (let from = fromSeq; from < toSeq; from += PAGE_SIZE) {
    const page: PageRef = { runId, nodeId: step.id, fromSeq: from, toSeq: Math.min(from + PAGE_SIZE, toSeq) };
    const members = await processPage(ctx, step, page);
    for (const [outcome, targets] of Object.entries(step.next)) {
      const taking = step.kind === 'segment' ? members.filter((m) => m.outcome === outcome) : members;
      if (taking.length === 0) continue;
      counts[outcome] = (counts[outcome] ?? 0) + taking.length;
      await forwardMembers(ctx.db, page, targets, step.kind === 'segment' ? outcome : null);
    }
    heartbeat({ nextSeq: page.toSeq });
  }
  return counts;
}

/** Does the step's own work for one page; returns the page's members (with outcomes). */
async function processPage(ctx: StepContext, step: RunnableStep, page: PageRef): Promise<readonly MemberRow[]> {
  switch (step.kind) {
    case 'trigger':
    case 'wait':
      return loadMembers(ctx.db, page);
    case 'voucher': {
      const members = await loadMembers(ctx.db, page);
      await issueVouchers(ctx, page.runId, step, members);
      return members;
    }
    case 'segment':
      return decideSegment(ctx, page, step);
    case 'push': {
      const recipients = await loadRecipients(ctx.db, page);
      await pushPage(ctx, page.runId, step, recipients);
      return recipients;
    }
    case 'email': {
      const recipients = await loadRecipients(ctx.db, page);
      await emailPage(ctx, page.runId, step, recipients);
      return recipients;
    }
    default: {
      const unknown: never = step;
      throw new Error(`unknown step kind in ${JSON.stringify(unknown)}`);
    }
  }
}
