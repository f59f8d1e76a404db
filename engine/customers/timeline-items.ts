/**
 * The events of a customer's timeline, newest first: entering a run, the steps that decided
 * or gave them something, each delivery with its provider answer, waits and leaving. Runs keep
 * no per-member time for a segment's decision, so those items carry the run's start; ties are
 * broken by the order in which things happened. Pure: `timeline.ts` loads the records.
 */
import type { DeliveryChannel, DeliveryStatus, RunSource, RunStatus } from '../db/schema';
import type { Plan, StepKind } from '../compiler/plan';
import { DEFAULT_GOAL, type GoalEvent } from '../compiler/goal-schema';
import { deliveryReasonWords, title, until, when, type ExplainContext } from './explain';
import { wasSent } from '../deliveries/status';
import type { RunFacts } from './journey-facts';
import { walkJourney } from './journey-walk';
import { hasStopped } from '../runs/run-live';
import { HOLDOUT_REASON, HOLDOUT_SENTENCE } from '../results/holdout';

export type TimelineItemKind = 'entered' | 'step' | 'delivery' | 'left' | 'waiting' | 'came_back';

export interface TimelineItem {
  readonly at: Date;
  readonly kind: TimelineItemKind;
  readonly runId: string;
  readonly flowId: string;
  readonly flowName: string;
  readonly nodeId?: string;
  readonly nodeKind?: StepKind | 'trigger';
  /** In plain words: `Push “Coffee's waiting” sent`. */
  readonly title: string;
  /** An email's subject as sent (placeholders filled). */
  readonly subject?: string;
  /** Quiet hours held the message until then. */
  readonly heldUntil?: Date;
  readonly channel?: DeliveryChannel;
  readonly status?: DeliveryStatus;
  readonly reason?: string;
  readonly providerMessageId?: string;
  readonly attempts?: number;
}

/** A run as the timeline reads it. */
export interface CandidateRun {
  readonly id: string;
  readonly flowId: string;
  readonly flowName: string;
  readonly status: RunStatus;
  readonly source: RunSource;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly sendAt: Date | null;
  readonly finishedAt: Date | null;
  readonly error: string | null;
  readonly plan: Plan;
  /** The customer's seq in the run's snapshot; null when they were not in it. */
  readonly seq: number | null;
  /** When the customer last entered this flow in another run started before this one; null: never. */
  readonly earlierEntryAt: Date | null;
}

export interface RunRecord {
  readonly run: CandidateRun;
  readonly facts: RunFacts;
  readonly deliveries: readonly {
    node_id: string;
    channel: DeliveryChannel;
    status: DeliveryStatus;
    reason: string | null;
    provider_message_id: string | null;
    attempts: number;
    updated_at: Date;
    /** An email's subject as sent; null or absent: not recorded (a push, an older row). */
    subject?: string | null;
    /** When quiet hours held the message: the end of the hold. */
    held_until?: Date | null;
  }[];
  readonly vouchers: readonly { node_id: string | null; code: string; title: string; created_at: Date }[];
  /** When the open waits holding the run's groups began, by node. */
  readonly waitsStartedAt: ReadonlyMap<string, Date>;
  /** When they first met the run's goal inside its window; null or absent: not (yet). */
  readonly cameBackAt?: Date | null;
}

const OUTCOME_WORDS: Record<string, string> = {
  match: 'passed',
  else: 'did not pass',
  visited: 'visited',
  timeout: 'did not visit in time',
};

const STATUS_WORDS: Record<DeliveryStatus, string> = {
  sending: 'sending',
  sent: 'sent',
  failed: 'failed',
  suppressed: 'suppressed',
  skipped: 'skipped',
  delivered: 'delivered',
  bounced: 'bounced',
  complained: 'marked as spam',
};

/** Every item of the runs, newest first. */
export function timelineItems(records: readonly RunRecord[], ctx: ExplainContext): TimelineItem[] {
  const all: { item: TimelineItem; order: number }[] = [];
  for (const record of records) {
    let order = 0;
    for (const item of runItems(record, ctx)) all.push({ item, order: order++ });
  }
  return all.sort((a, b) => b.item.at.getTime() - a.item.at.getTime() || b.order - a.order).map((x) => x.item);
}

function runItems(record: RunRecord, ctx: ExplainContext): TimelineItem[] {
  const items = journeyItems(record, ctx);
  const back = cameBackItem(record);
  return back ? [...items, back] : items;
}

/** The deeds of the goals, as the timeline starts a line with them. */
const GOAL_DEEDS: Record<GoalEvent, string> = {
  visit: 'Came back',
  stamp: 'Collected a stamp',
  reward_redeemed: 'Redeemed a reward',
  voucher_redeemed: 'Redeemed a voucher',
};
/** Deliveries that reached the customer. */
const GOT = new Set<DeliveryStatus>(['sent', 'delivered', 'complained']);

/**
 * "Came back 2 days after “We miss you”": the member's conversion, after the last message
 * that reached them before it (or after entering, for one who got nothing, or was kept back).
 */
function cameBackItem({ run, facts, deliveries, cameBackAt }: RunRecord): TimelineItem | undefined {
  if (!cameBackAt) return undefined;
  const { plan } = run;
  const goal = plan.trigger.goal ?? DEFAULT_GOAL;
  const entered = run.startedAt ?? run.createdAt;
  const got = deliveries
    .filter((d) => GOT.has(d.status) && d.updated_at.getTime() <= cameBackAt.getTime())
    .sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime())[0];
  const held = facts.exit?.reason === HOLDOUT_REASON;
  const step = got ? plan.steps[got.node_id] : undefined;
  const what = step?.kind === 'push' ? step.text : step?.kind === 'email' ? (got?.subject ?? step.subject) : undefined;
  const since = got && what !== undefined ? got.updated_at : entered;
  const after = `${daysAfter(cameBackAt.getTime() - since.getTime())} ${what !== undefined ? `“${what}”` : 'entering'}`;
  const words = held
    ? `${GOAL_DEEDS[goal.event]} ${after}, without any message: kept back, they show how many come back anyway`
    : `${GOAL_DEEDS[goal.event]} ${after}`;
  return {
    runId: run.id,
    flowId: run.flowId,
    flowName: run.flowName,
    at: cameBackAt,
    kind: 'came_back',
    title: words,
  };
}

/** "2 days after", "1 day after", "less than a day after". */
function daysAfter(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  return days === 0 ? 'less than a day after' : `${days} day${days === 1 ? '' : 's'} after`;
}

function journeyItems(
  { run, facts, deliveries, vouchers, waitsStartedAt }: RunRecord,
  ctx: ExplainContext,
): TimelineItem[] {
  const { plan } = run;
  const base = { runId: run.id, flowId: run.flowId, flowName: run.flowName };
  const entered = run.startedAt ?? run.createdAt;
  const kindOf = (nodeId: string) => plan.steps[nodeId]?.kind;
  const items: TimelineItem[] = [
    {
      ...base,
      at: entered,
      kind: 'entered',
      nodeId: plan.triggerNodeId,
      nodeKind: 'trigger',
      title: `Entered “${run.flowName}”`,
    },
  ];
  for (const [nodeId, outcome] of facts.outcomes) {
    const nodeKind = kindOf(nodeId);
    if (!nodeKind) continue;
    const words = OUTCOME_WORDS[outcome] ?? outcome;
    items.push({
      ...base,
      at: entered,
      kind: 'step',
      nodeId,
      nodeKind,
      title: `${cap(title(plan, nodeId))}: ${words}`,
    });
  }
  for (const v of vouchers) {
    const nodeId = v.node_id ?? '';
    items.push({
      ...base,
      at: v.created_at,
      kind: 'step',
      nodeId,
      nodeKind: 'voucher',
      title: `Got the voucher “${v.title}” (${v.code})`,
    });
  }
  for (const d of [...deliveries].sort((a, b) => a.updated_at.getTime() - b.updated_at.getTime())) {
    const why = d.reason ? `: ${deliveryReasonWords(d.reason)}` : '';
    // The email as the customer got it: its subject as sent, placeholders filled.
    const name = d.subject ? `the email “${d.subject}”` : title(plan, d.node_id);
    const held = d.held_until && wasSent(d.status) ? d.held_until : undefined;
    items.push({
      ...base,
      at: d.updated_at,
      kind: 'delivery',
      nodeId: d.node_id,
      ...(kindOf(d.node_id) ? { nodeKind: kindOf(d.node_id) } : {}),
      title: held
        ? `${cap(name)} held ${until(held, ctx)} by quiet hours, ${STATUS_WORDS[d.status]} ${when(d.updated_at, ctx)}`
        : `${cap(name)} ${STATUS_WORDS[d.status]}${why}`,
      ...(d.subject ? { subject: d.subject } : {}),
      ...(held ? { heldUntil: held } : {}),
      channel: d.channel,
      status: d.status,
      ...(d.reason !== null ? { reason: d.reason } : {}),
      ...(d.provider_message_id !== null ? { providerMessageId: d.provider_message_id } : {}),
      attempts: d.attempts,
    });
    const extra = passExtras(plan, d, ctx);
    if (extra) items.push({ ...base, at: d.updated_at, kind: 'step', nodeId: d.node_id, nodeKind: 'push', title: extra });
  }
  const latest = () => new Date(Math.max(...items.map((i) => i.at.getTime())));
  if (facts.exit) {
    const why = facts.exit.reason === 'visit' ? 'visited after entering' : 'redeemed a reward after entering';
    const nodeId = facts.exit.nodeId;
    items.push({
      ...base,
      at: facts.exit.at,
      kind: 'left',
      nodeId,
      ...nodeKindOf(kindOf(nodeId)),
      title: facts.exit.reason === HOLDOUT_REASON ? HOLDOUT_SENTENCE : `Left at ${title(plan, nodeId)}: ${why} (exit rule)`,
    });
    return items;
  }
  const position = walkJourney(plan, facts);
  if (position.at === 'step') {
    if (position.waitingUntil) {
      const at = waitsStartedAt.get(position.nodeId) ?? latest();
      const words = `Waiting at ${title(plan, position.nodeId)} ${until(position.waitingUntil, ctx)}`;
      items.push({ ...base, at, kind: 'waiting', nodeId: position.nodeId, nodeKind: position.kind, title: words });
    } else if (hasStopped(run.status)) {
      const words = `Left with the run, ${run.status} before ${title(plan, position.nodeId)}`;
      items.push({
        ...base,
        at: run.finishedAt ?? latest(),
        kind: 'left',
        nodeId: position.nodeId,
        nodeKind: position.kind,
        title: words,
      });
    }
    return items;
  }
  const ended = run.finishedAt ?? latest();
  const words =
    position.reason === 'finished'
      ? 'Finished the journey'
      : `Left at ${title(plan, position.nodeId)}: ${position.reason.replace(/_/g, ' ')}`;
  items.push({
    ...base,
    at: ended,
    kind: 'left',
    nodeId: position.nodeId,
    ...nodeKindOf(kindOf(position.nodeId)),
    title: words,
  });
  return items;
}

/**
 * What a push put on the pass besides its message, when it changed the pass: a nearby
 * text (a setting of the pass, not a delivery of its own) and a long text on the card page.
 */
function passExtras(plan: Plan, d: RunRecord['deliveries'][number], ctx: ExplainContext): string | undefined {
  const step = plan.steps[d.node_id];
  if (step?.kind !== 'push' || d.channel !== 'push') return undefined;
  const changed = d.status !== 'skipped' || d.reason === 'no_wallet_device';
  if (!changed) return undefined;
  const parts: string[] = [];
  if (step.nearbyText) {
    const end = step.nearbyUntil ? ` ${until(new Date(step.nearbyUntil), ctx)}` : '';
    parts.push(`nearby text “${step.nearbyText}” set on the pass${end} (shown near your shops; not a message)`);
  }
  if (step.messageText) parts.push('the full message is on the card page');
  return parts.length > 0 ? cap(parts.join('; ')) : undefined;
}

const nodeKindOf = (kind: StepKind | undefined) => (kind ? { nodeKind: kind } : {});
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
