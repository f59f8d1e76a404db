/**
 * The run workflow: interprets a published plan over the run's members. Members live in
 * Postgres, never in this history: each step is a handful of activities over seq ranges
 * of a group of members, waits are durable timers, a segment's two outputs run
 * concurrently, and visitors of a wait-for-visit go on in batches as they visit.
 *
 * Every group in flight is a token: about to run a step, or inside a wait. When the history
 * grows past its limit, tokens park at the next wait (or before their next step) and the
 * run continues as new with the parked tokens, so a journey can run for months.
 *
 * Deterministic by construction: the plan is data, and every side effect is an activity.
 */
import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineSignal,
  isCancellation,
  log,
  makeContinueAsNewFunc,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { RunActivities } from '../activities';
import type { Plan, Step, UntilVisitWaitStep, WaitStep } from '../engine/compiler/plan';
import { legacyRunFlow } from './legacy-run-flow';
import { groupKey, type MemberGroup, type SeqRange } from '../engine/runs/member-group';
import { VISIT_POLL_MS, VISIT_SIGNAL, currentToken, type RunResult, type RunWorkflowInput, type StepToken, type WaitToken } from './types';

/** Members per activity call; the activity works through them in pages of 500. */
export const CHUNK_SIZE = 5_000;
/** Activity calls of one step in flight at once (of each step, on a pipelined path). */
export const CHUNKS_IN_FLIGHT = 4;

/** A few thousand events replay in well under a second; past that, continue as new. */
export const DEFAULT_HISTORY_LIMIT = 2_000;
/** Marks histories made by this interpreter; runs without it replay the legacy one. */
export const JOURNEYS_PATCH = 'journeys';
/**
 * Marks histories whose linear message paths run pipelined (see `Interpreter.pipeline`);
 * histories without it replay with one step after the other.
 */
export const PIPELINE_PATCH = 'pipelined-chains';

const { snapshotAudience, processStep, collectVisitors, closeVisitWait } = proxyActivities<RunActivities>({
  startToCloseTimeout: '10 minutes',
  // Activities heartbeat every second; a worker silent for 5 s is dead and its pages move on.
  heartbeatTimeout: '5 seconds',
  // Short, gentle backoff: one chunk can meet several unrelated faults in a row, and the
  // step waits for its slowest chunk.
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 1.5, maximumInterval: '15 seconds' },
});
// Short bookkeeping runs as local activities: no task queue round trip through the server,
// which is most of a small cohort run's cost (events become runs several times a second).
const { finishRun, openWait, closeWait, quietHoursEnd } = proxyLocalActivities<RunActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const visitSignal = defineSignal(VISIT_SIGNAL);
/** Continues the run as new with its frontier. Made on use: it exists only inside a workflow execution, and clients import this module to start `runFlow` by reference. */
const continueRun = (input: RunWorkflowInput): Promise<never> =>
  makeContinueAsNewFunc<(input: RunWorkflowInput) => Promise<RunResult>>({ workflowType: 'runFlow' })(input);

export async function runFlow(input: RunWorkflowInput): Promise<RunResult> {
  // Runs started before journeys have no marker in their history: they replay as they ran.
  if (!patched(JOURNEYS_PATCH)) return legacyRunFlow(input);
  const run = new Interpreter(input);
  const result = await run.run();
  if (run.parked.steps.length + run.parked.waits.length > 0) {
    log.info('run continues as new', { runId: input.runId, history: workflowInfo().historyLength });
    return continueRun({ ...input, resume: { ...run.parked, members: result.members } });
  }
  return result;
}

class Interpreter {
  readonly parked: { steps: StepToken[]; waits: WaitToken[] } = { steps: [], waits: [] };
  private draining = false;
  private visits = 0;
  private readonly limit: number;

  constructor(private readonly input: RunWorkflowInput) {
    this.limit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    setHandler(visitSignal, () => void this.visits++);
  }

  private get plan(): Plan {
    return this.input.plan;
  }

  async run(): Promise<RunResult> {
    const { runId, merchantId, plan, resume } = this.input;
    try {
      let members = resume?.members ?? 0;
      if (resume) {
        await Promise.all([
          ...resume.steps.map((parked) => this.advance(currentToken(parked))),
          ...resume.waits.map((parked) => {
            const token = currentToken(parked);
            return this.waitFor(waitStepOf(plan, token.nodeId), token);
          }),
        ]);
      } else {
        await waitUntilSendAt(plan);
        members = await snapshotAudience({
          runId,
          merchantId,
          triggerNodeId: plan.triggerNodeId,
          cardId: plan.trigger.cardId,
          trigger: plan.trigger,
        });
        log.info('run started', { runId, members });
        const group: MemberGroup = { nodeId: plan.triggerNodeId, outcome: null };
        if (members > 0)
          await Promise.all(
            plan.entry.map((nodeId) => this.advance({ nodeId, group, range: { from: 1, to: members + 1 } })),
          );
      }
      if (this.parked.steps.length + this.parked.waits.length === 0) await finishRun({ runId, status: 'completed' });
      return { members };
    } catch (err) {
      if (isCancellation(err)) {
        await CancellationScope.nonCancellable(() => finishRun({ runId, status: 'cancelled' }));
      } else {
        const message =
          err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
        await finishRun({ runId, status: 'failed', error: message });
      }
      throw err;
    }
  }

  /** Runs a step over a group, then its successors; parks the group when the run is draining. */
  private async advance(token: StepToken): Promise<void> {
    if (this.draining) return void this.parked.steps.push(token);
    const step = stepOf(this.plan, token.nodeId);
    if (step.kind === 'wait') return this.waitAt(step, token);
    const chain = chainFrom(this.plan, step);
    if (chain.length > 1 && patched(PIPELINE_PATCH)) {
      const going = chain.some(isMessage) ? await this.afterQuietHours(token) : token;
      if (!going) return;
      const counts = await this.pipeline(chain, going);
      await this.follow(chain[chain.length - 1] as Step, going, counts);
      return;
    }
    const going = isMessage(step) ? await this.afterQuietHours(token) : token;
    if (!going) return;
    const counts = await this.process(step, going);
    await this.follow(step, going, counts);
  }

  /**
   * Quiet hours hold messages until the window opens; they are never dropped. Answers the
   * token to go on with, marked with the end of the hold when there was one (its deliveries
   * record it), or undefined when the run began draining first (the token is parked, marked).
   */
  private async afterQuietHours(token: StepToken): Promise<StepToken | undefined> {
    const opens = await quietHoursEnd({ merchantId: this.input.merchantId });
    if (opens === null) return token;
    const held: StepToken = { ...token, heldUntil: opens };
    if (await this.sleepUntil(opens)) return held;
    this.parked.steps.push(held);
    return undefined;
  }

  /**
   * Runs a linear path of steps (see {@link chainFrom}) over the token's range as a
   * pipeline: each chunk goes through the steps in order, and each step works on the
   * chunks its previous step has finished, with its own chunks in flight. So the email of
   * the first chunks goes out while later chunks are still being pushed, and a step never
   * waits for the slowest chunk of the step before it. Every member still meets the steps
   * in their order, each step sees exactly the chunks it would see alone, and a chunk that
   * no member entered goes no further (as a step nobody entered has no successor).
   * Quiet hours are asked once, before the path starts (a lone message step asks before it
   * starts, and then runs to its end too). Returns what left the last step.
   */
  private async pipeline(chain: readonly Step[], token: StepToken): Promise<Record<string, number>> {
    const { runId, merchantId, plan } = this.input;
    const ranges = chunks(token.range);
    // left[k][i]: how many members of chunk i left step k (resolved when it is done).
    const left: Promise<number>[][] = [];
    let counts: Record<string, number> = {};
    const lanes = chain.map((step, k) => {
      const finish: ((n: number) => void)[] = [];
      const done = ranges.map(() => new Promise<number>((resolve) => void finish.push(resolve)));
      left.push(done);
      const stepCounts: Record<string, number> = {};
      if (k === chain.length - 1) counts = stepCounts;
      return inBatches(
        ranges.map((range, i) => ({ range, i })),
        CHUNKS_IN_FLIGHT,
        async ({ range, i }) => {
          const before = k === 0 ? 1 : await (left[k - 1]?.[i] ?? Promise.resolve(0));
          let n = 0;
          if (before > 0) {
            const got = await processStep({
              runId,
              merchantId,
              step,
              group: token.group,
              range,
              exitOn: plan.trigger.exitOn,
              holdout: keepsBack(plan),
              heldUntil: token.heldUntil ?? null,
            });
            for (const [outcome, c] of Object.entries(got)) {
              stepCounts[outcome] = (stepCounts[outcome] ?? 0) + c;
              n += c;
            }
          }
          finish[i]?.(n);
        },
      );
    });
    await Promise.all(lanes);
    this.checkHistory();
    return counts;
  }

  /** Starts each successor of each outcome that has members. */
  private async follow(step: Step, token: StepToken, counts: Readonly<Record<string, number>>): Promise<void> {
    const next: Promise<void>[] = [];
    // A quiet-hours hold goes on with the group to its next wait, which starts a new moment.
    const held = step.kind !== 'wait' && token.heldUntil !== undefined ? { heldUntil: token.heldUntil } : {};
    for (const [outcome, targets] of Object.entries(step.next) as [string, readonly string[]][]) {
      if (!counts[outcome]) continue;
      const group = step.kind === 'segment' ? branch(step.id, outcome, token.group.lane) : token.group;
      for (const nodeId of targets) next.push(this.advance({ nodeId, group, range: token.range, ...held }));
    }
    await Promise.all(next);
  }

  /** The step's activity over the token's range, in chunks; what left by each outcome. */
  private async process(step: Step, token: StepToken): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const { runId, merchantId, plan } = this.input;
    await inBatches(chunks(token.range), CHUNKS_IN_FLIGHT, async ({ from, to }) => {
      const got = await processStep({
        runId,
        merchantId,
        step,
        group: token.group,
        range: { from, to },
        exitOn: plan.trigger.exitOn,
        holdout: keepsBack(plan),
        heldUntil: token.heldUntil ?? null,
      });
      for (const [outcome, n] of Object.entries(got)) counts[outcome] = (counts[outcome] ?? 0) + n;
    });
    this.checkHistory();
    return counts;
  }

  /** Members arrive at a wait (counted, exit rules applied), and the wait begins. */
  private async waitAt(step: WaitStep, token: StepToken): Promise<void> {
    const arrived = (await this.process(step, token))['next'] ?? 0;
    if (arrived === 0) return;
    const { runId, merchantId } = this.input;
    const opened = await openWait({ runId, merchantId, step, groupKey: groupKey(token.group), members: arrived });
    await this.waitFor(step, { ...token, startedAt: opened.startedAt, until: opened.until, batches: 0 });
  }

  private async waitFor(step: WaitStep, wait: WaitToken): Promise<void> {
    if (step.mode === 'untilVisit') return this.waitForVisits(step, wait);
    if (!(await this.sleepUntil(wait.until))) return void this.parked.waits.push(wait);
    await closeWait({ runId: this.input.runId, nodeId: step.id, groupKey: groupKey(wait.group) });
    await this.follow(step, wait, { next: 1 });
  }

  /**
   * Until the wait ends, each visit signal (or a poll) moves the members who visited since
   * the wait began on by `visited`, as a batch with its own lane; at the end the rest leave
   * by `timeout`.
   */
  private async waitForVisits(step: UntilVisitWaitStep, wait: WaitToken): Promise<void> {
    const { runId, merchantId } = this.input;
    const branches: Promise<void>[] = [];
    let batches = wait.batches;
    const collect = async () => {
      const lane = `${groupKey(wait.group)}#${batches}`;
      const got = await collectVisitors({
        runId,
        merchantId,
        nodeId: step.id,
        group: wait.group,
        range: wait.range,
        since: wait.startedAt,
        lane,
      });
      if (got.count === 0) return;
      batches++;
      const group = branch(step.id, 'visited', lane);
      for (const nodeId of step.next.visited) branches.push(this.advance({ nodeId, group, range: got.range }));
    };
    // Look at once when a visit may already have been signalled: in an earlier execution (the
    // run continued as new), or in this one — a signal that comes while the wait opens (or
    // while a worker that died replays it) is counted before the wait starts counting.
    let seen = this.input.resume || this.visits > 0 ? Number.NaN : 0;
    while (Date.now() < wait.until && !this.draining) {
      const timeout = Math.max(1, Math.min(wait.until - Date.now(), VISIT_POLL_MS));
      await condition(() => this.visits !== seen || this.draining, timeout);
      if (this.draining) break;
      seen = this.visits;
      await collect();
      this.checkHistory();
    }
    // Draining — while waiting, or as the last look filled the history — the wait parks with
    // its batches so far; it ends (and its last visitors and timeouts leave) in the next run.
    if (this.draining) this.parked.waits.push({ ...wait, batches });
    else {
      await collect(); // whoever visited since the last look
      const timedOut = await closeVisitWait({
        runId,
        nodeId: step.id,
        group: wait.group,
        range: wait.range,
        groupKey: groupKey(wait.group),
      });
      if (timedOut.count > 0) {
        const group = branch(step.id, 'timeout', wait.group.lane);
        for (const nodeId of step.next.timeout) branches.push(this.advance({ nodeId, group, range: timedOut.range }));
      }
    }
    await Promise.all(branches);
  }

  /** Sleeps until `at`; false when the run began draining first (the caller parks). */
  private async sleepUntil(at: number): Promise<boolean> {
    const ms = at - Date.now();
    if (ms <= 0) return !this.draining;
    const interrupted = await condition(() => this.draining, ms);
    return !interrupted;
  }

  private checkHistory(): void {
    const info = workflowInfo();
    if (!this.draining && (info.historyLength >= this.limit || info.continueAsNewSuggested)) this.draining = true;
  }
}

async function waitUntilSendAt(plan: Plan): Promise<void> {
  if (plan.trigger.kind !== 'broadcast' || !plan.trigger.sendAt) return;
  const delay = Date.parse(plan.trigger.sendAt) - Date.now();
  if (delay > 0) await sleep(delay);
}

function branch(nodeId: string, outcome: string, lane: string | undefined): MemberGroup {
  return lane ? { nodeId, outcome, lane } : { nodeId, outcome };
}

function chunks(range: SeqRange): SeqRange[] {
  const out: SeqRange[] = [];
  for (let from = range.from; from < range.to; from += CHUNK_SIZE)
    out.push({ from, to: Math.min(from + CHUNK_SIZE, range.to) });
  return out;
}

/**
 * The linear path that starts at `step`: push, email and voucher steps (every member
 * leaves them by `next`), each the single successor of the one before. A path of one step
 * runs as a plain step.
 */
function chainFrom(plan: Plan, step: Step): Step[] {
  const chain = [step];
  let current = step;
  while (isLinear(current)) {
    const targets = Object.entries(current.next as Record<string, readonly string[]>);
    if (targets.length !== 1 || targets[0]?.[0] !== 'next' || targets[0][1].length !== 1) break;
    const following = plan.steps[targets[0][1][0] as string];
    if (!following || !isLinear(following) || chain.includes(following)) break;
    chain.push(following);
    current = following;
  }
  return isLinear(step) ? chain : [step];
}

function isLinear(step: Step): boolean {
  return isMessage(step) || step.kind === 'voucher';
}

function isMessage(step: Step): boolean {
  return step.kind === 'push' || step.kind === 'email' || step.kind === 'telegram';
}

function stepOf(plan: Plan, id: string): Step {
  const step = plan.steps[id];
  if (!step) throw ApplicationFailure.nonRetryable(`plan has no step ${id}`, 'InvalidPlan');
  return step;
}

function waitStepOf(plan: Plan, id: string): WaitStep {
  const step = stepOf(plan, id);
  if (step.kind !== 'wait') throw ApplicationFailure.nonRetryable(`step ${id} is not a wait`, 'InvalidPlan');
  return step;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inBatches<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

/** The run keeps members back to measure the flow (plans before results never do). */
function keepsBack(plan: Plan): boolean {
  return (plan.trigger.holdoutPercent ?? 0) > 0;
}
