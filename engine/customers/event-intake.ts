/**
 * A merchant's events, recorded together and a few at a time. A till posts one event per
 * request, and each of them recorded on its own is a transaction, a commit and a log flush
 * of its own; an integration posts batches (`{events: [...]}`), often from many clients at
 * once. The intake queues the events of one merchant that arrive while earlier ones are
 * being recorded and records them as one batch ({@link recordEvents}: set-based, one
 * commit), as Postgres groups commits. Nothing waits for a window: when the merchant has no
 * batch in flight, events are recorded at once; under load, batches grow by themselves.
 *
 * At most {@link INTAKE_IN_FLIGHT} transactions of one merchant run at once (in this API
 * process). So one merchant's flood holds two connections, not the whole pool: other
 * merchants' events and the screens keep theirs, and on a busy database the flood queues here,
 * in the API, rather than as more transactions contending for the same cores (measured in
 * `bench/journeys`: with twenty clients posting batches, the run claims no longer waited
 * behind them).
 *
 * Every caller still gets its own events' answers, after the commit that holds them (so an
 * answered event is as durable as before). Events are recorded in the order they arrived,
 * and a batch request's events always share one transaction (it is never split). Should a
 * merged batch fail as a whole, each request is recorded again on its own, so one request
 * cannot fail the others.
 */
import type { Db } from '../db/database';
import { recordEvent, type EventInput, type RecordEventResult } from './events';
import { MAX_EVENTS_PER_BATCH, recordEvents } from './record-events';

/** Batches of one merchant in flight at once: one being committed while the next is recorded. */
export const INTAKE_IN_FLIGHT = 2;

/** One request's events, waiting for their answers. */
interface Waiting {
  readonly inputs: readonly EventInput[];
  /** A single-event request (recorded alone, it takes the single path, `recordEvent`). */
  readonly single: boolean;
  resolve(results: RecordEventResult[]): void;
  reject(err: unknown): void;
}

export interface EventIntake {
  /** Records one event (grouped with others of the merchant arriving meanwhile). */
  record(merchantId: string, input: EventInput): Promise<RecordEventResult>;
  /** Records one request's events (at most {@link MAX_EVENTS_PER_BATCH}) in one transaction, answered in order. */
  recordMany(merchantId: string, inputs: readonly EventInput[]): Promise<RecordEventResult[]>;
}

export function createEventIntake(db: Db): EventIntake {
  const queues = new Map<string, { waiting: Waiting[]; inFlight: number }>();

  const pump = (merchantId: string) => {
    const queue = queues.get(merchantId);
    if (!queue) return;
    while (queue.inFlight < INTAKE_IN_FLIGHT && queue.waiting.length > 0) {
      const batch = takeBatch(queue.waiting);
      queue.inFlight++;
      void recordBatch(db, merchantId, batch).finally(() => {
        queue.inFlight--;
        if (queue.inFlight === 0 && queue.waiting.length === 0) queues.delete(merchantId);
        else pump(merchantId);
      });
    }
  };

  const enqueue = (merchantId: string, inputs: readonly EventInput[], single: boolean) =>
    new Promise<RecordEventResult[]>((resolve, reject) => {
      let queue = queues.get(merchantId);
      if (!queue) queues.set(merchantId, (queue = { waiting: [], inFlight: 0 }));
      queue.waiting.push({ inputs, single, resolve, reject });
      pump(merchantId);
    });

  return {
    async record(merchantId, input) {
      const [result] = await enqueue(merchantId, [input], true);
      return result!;
    },
    async recordMany(merchantId, inputs) {
      if (inputs.length > MAX_EVENTS_PER_BATCH) throw new Error(`at most ${MAX_EVENTS_PER_BATCH} events per batch`);
      return inputs.length === 0 ? [] : enqueue(merchantId, inputs, false);
    },
  };
}

/** The requests at the head of the queue whose events fit one batch (the first always does). */
function takeBatch(waiting: Waiting[]): Waiting[] {
  let count = 0;
  let take = 0;
  while (take < waiting.length && (take === 0 || count + waiting[take]!.inputs.length <= MAX_EVENTS_PER_BATCH)) {
    count += waiting[take]!.inputs.length;
    take++;
  }
  return waiting.splice(0, take);
}

async function recordBatch(db: Db, merchantId: string, batch: readonly Waiting[]): Promise<void> {
  if (batch.length === 1) return recordAlone(db, merchantId, batch[0]!);
  let results: RecordEventResult[];
  try {
    results = await recordEvents(
      db,
      merchantId,
      batch.flatMap((w) => w.inputs),
    );
  } catch {
    // The batch wrote nothing: each request alone, so a failure is only its own.
    await Promise.all(batch.map((w) => recordAlone(db, merchantId, w)));
    return;
  }
  let at = 0;
  for (const w of batch) {
    w.resolve(results.slice(at, at + w.inputs.length));
    at += w.inputs.length;
  }
}

/** One request on its own: a single event as the single path records it, a batch in its own transaction. */
async function recordAlone(db: Db, merchantId: string, w: Waiting): Promise<void> {
  const recorded = w.single
    ? recordEvent(db, merchantId, w.inputs[0]!).then((r) => [r])
    : recordEvents(db, merchantId, w.inputs);
  await recorded.then(w.resolve, w.reject);
}
