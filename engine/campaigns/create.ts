/**
 * Launching a campaign: a one-off broadcast made into a single-step flow of kind `campaign`,
 * published through the real publish path (so its version records who published it) and
 * started through the real run start — all or nothing. The graph is checked before anything
 * is written, so invalid input writes nothing; if publishing or starting then fails (Temporal
 * unreachable), the flow is deleted again with its version and run.
 */
import type { Db } from '../db/database';
import type { RunStatus } from '../db/schema';
import type { Diagnostic } from '../compiler/compiler';
import { publishFlow } from '../flows/publish';
import { log } from '../log';
import { fail, type Failure } from '../result';
import { flowQuotaProblem } from '../flows/quotas';
import { deleteRuns } from '../runs/run-row';
import { startRun } from '../runs/start-run';
import type { RunLauncher } from '../runs/launcher';
import { formatShortLocal } from '../time/zoned';
import type { CampaignSpec } from './graph';
import { checkCampaign } from './preview';

export interface CampaignInput extends CampaignSpec {
  /** Default: `<card name> · 7 Dec 14:19`, the send time in the merchant's time zone ({@link defaultCampaignName}). */
  readonly name?: string | undefined;
}

export type CreateCampaignResult =
  | { readonly ok: true; readonly id: string; readonly name: string; readonly runId: string; readonly status: RunStatus }
  | Failure<'bad_request', { readonly diagnostics: Diagnostic[] }>
  | Failure<'not_found' | 'conflict' | 'unavailable' | 'unprocessable'>;

/**
 * Creates, publishes and starts a campaign.
 *
 * @example
 * const made = await createCampaign(deps, merchantId, { cardId, push: { text: "Coffee's waiting ☕" } }, 'ada@cafe.example');
 * if (made.ok) show(made.runId);
 */
export async function createCampaign(
  ports: { db: Db; launcher: RunLauncher },
  merchantId: string,
  input: CampaignInput,
  publishedBy: string | null,
): Promise<CreateCampaignResult> {
  const { db } = ports;
  const checked = await checkCampaign(db, merchantId, input);
  if (!checked.ok) return checked;
  const { graph } = checked;

  const quota = await flowQuotaProblem(db, merchantId);
  if (quota) return fail('conflict', quota);
  const sendAt = input.sendAt ? new Date(input.sendAt) : new Date();
  const name = input.name ?? defaultCampaignName(checked.cardName, sendAt, checked.timezone);
  const flow = await db
    .insertInto('flows')
    .values({ merchant_id: merchantId, name, graph: JSON.stringify(graph), kind: 'campaign' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const undo = async (why: string) => {
    log.warn('campaign launch undone', { flowId: flow.id, why });
    const runs = await db.selectFrom('runs').select('id').where('flow_id', '=', flow.id).execute();
    const runIds = runs.map((r) => r.id);
    await deleteRuns(db, runIds);
    await db.deleteFrom('flows').where('id', '=', flow.id).execute(); // its versions go with it
  };

  const published = await publishFlow(ports, merchantId, flow.id, publishedBy).catch(async (err: unknown) => {
    await undo('publish threw');
    throw err;
  });
  if (!published.ok) {
    await undo(published.message);
    return fail(published.code, published.message);
  }
  const started = await startRun(ports, merchantId, flow.id).catch(async (err: unknown) => {
    await undo('start threw');
    throw err;
  });
  if (!started.ok) {
    await undo(started.message);
    return fail(started.code, started.message);
  }
  return { ok: true, id: flow.id, name, runId: started.run.runId, status: started.run.status };
}

/**
 * The name of a campaign sent without one: the card's name and the local send time.
 *
 * @example
 * defaultCampaignName('Coffee card', new Date('2026-12-07T13:19:00Z'), 'Europe/Berlin') // 'Coffee card · 7 Dec 14:19'
 */
export function defaultCampaignName(cardName: string, sendAt: Date, timeZone: string): string {
  return `${cardName} · ${formatShortLocal(sendAt, timeZone, true)}`;
}
