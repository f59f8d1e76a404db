/**
 * Single events, recorded together: a till posts one event per request, and each of them
 * recorded on its own is a transaction, a commit and a log flush of its own. The intake
 * gathers the single events of one merchant that arrive while earlier ones are being
 * recorded and records them as one batch ({@link recordEvents}: set-based, one commit), as
 * Postgres groups commits. Nothing waits for a window: when the merchant has no batch in
 * flight, an event is recorded at once; under load, batches grow by themselves.
 *
 * Every caller still gets its own event's answer, after the commit that holds it (so an
 * answered event is as durable as before). Events of one batch are recorded in the order
 * they arrived. Should a batch fail as a whole, each of its events is recorded again on its
 * own, so one event cannot fail the others.
 */
import type { Db } from '../db/database';
import { recordEvent, type EventInput, type RecordEventResult } from './events';
import { MAX_EVENTS_PER_BATCH, recordEvents } from './record-events';

/** Batches of one merchant in flight at once: one being committed while the next is recorded. */
export const INTAKE_IN_FLIGHT = 2;

interface Waiting {
  readonly input: EventInput;
  resolve(result: RecordEventResult): void;
  reject(err: unknown): void;
}

export interface EventIntake {
  /** Records one event (grouped with others of the merchant arriving meanwhile). */
  record(merchantId: string, input: EventInput): Promise<RecordEventResult>;
}

export function createEventIntake(db: Db): EventIntake {
  const queues = new Map<string, { waiting: Waiting[]; inFlight: number }>();

  const pump = (merchantId: string) => {
    const queue = queues.get(merchantId);
    if (!queue) return;
    while (queue.inFlight < INTAKE_IN_FLIGHT && queue.waiting.length > 0) {
      const batch = queue.waiting.splice(0, MAX_EVENTS_PER_BATCH);
      queue.inFlight++;
      void recordBatch(db, merchantId, batch).finally(() => {
        queue.inFlight--;
        if (queue.inFlight === 0 && queue.waiting.length === 0) queues.delete(merchantId);
        else pump(merchantId);
      });
    }
  };

  return {
    record(merchantId, input) {
      return new Promise((resolve, reject) => {
        let queue = queues.get(merchantId);
        if (!queue) queues.set(merchantId, (queue = { waiting: [], inFlight: 0 }));
        queue.waiting.push({ input, resolve, reject });
        pump(merchantId);
      });
    },
  };
}

async function recordBatch(db: Db, merchantId: string, batch: readonly Waiting[]): Promise<void> {
  if (batch.length === 1) {
    const only = batch[0]!;
    await recordEvent(db, merchantId, only.input).then(only.resolve, only.reject);
    return;
  }
  let results: RecordEventResult[];
  try {
    results = await recordEvents(
      db,
      merchantId,
      batch.map((w) => w.input),
    );
  } catch {
    // The batch wrote nothing: each event alone, so a failure is only its own.
    await Promise.all(batch.map((w) => recordEvent(db, merchantId, w.input).then(w.resolve, w.reject)));
    return;
  }
  batch.forEach((w, i) => w.resolve(results[i]!));
}
