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
import { checkFlow } from '../flows/check';
import { publishFlow } from '../flows/publish';
import { log } from '../log';
import { flowQuotaProblem } from '../flows/quotas';
import { startRun } from '../runs/start-run';
import type { RunLauncher } from '../runs/launcher';
import { formatLocalDateTime } from '../time/zoned';
import { campaignGraph, type CampaignSpec } from './graph';

export interface CampaignInput extends CampaignSpec {
  /** Default: `<cardId>_<YYYY-MM-DD HH:mm>`, the send time in the merchant's time zone. */
  readonly name?: string | undefined;
}

export type CreateCampaignResult =
  | { readonly ok: true; readonly id: string; readonly name: string; readonly runId: string; readonly status: RunStatus }
  | {
      readonly ok: false;
      readonly code: 'bad_request';
      readonly message: string;
      readonly diagnostics: Diagnostic[];
    }
  | { readonly ok: false; readonly code: 'not_found' | 'conflict' | 'unavailable' | 'unprocessable'; readonly message: string };

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
  const card = await db
    .selectFrom('cards')
    .innerJoin('merchants', 'merchants.id', 'cards.merchant_id')
    .select(['cards.id', 'merchants.timezone'])
    .where('cards.id', '=', input.cardId)
    .where('cards.merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!card) return { ok: false, code: 'not_found', message: 'Card not found' };

  const graph = campaignGraph(input);
  const checked = await checkFlow(db, merchantId, graph);
  if (!checked.ok) {
    const count = checked.diagnostics.length;
    const first = checked.diagnostics[0]?.message ?? '';
    const message = `The campaign has ${count} problem${count === 1 ? '' : 's'}: ${first}`;
    return { ok: false, code: 'bad_request', message, diagnostics: checked.diagnostics };
  }

  const quota = await flowQuotaProblem(db, merchantId);
  if (quota) return { ok: false, code: 'conflict', message: quota };
  const sendAt = input.sendAt ? new Date(input.sendAt) : new Date();
  const name = input.name ?? `${input.cardId}_${formatLocalDateTime(sendAt, card.timezone)}`;
  const flow = await db
    .insertInto('flows')
    .values({ merchant_id: merchantId, name, graph: JSON.stringify(graph), kind: 'campaign' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const undo = async (why: string) => {
    log.warn('campaign launch undone', { flowId: flow.id, why });
    await db.deleteFrom('flows').where('id', '=', flow.id).execute(); // versions and runs go with it
  };

  const published = await publishFlow(ports, merchantId, flow.id, publishedBy).catch(async (err: unknown) => {
    await undo('publish threw');
    throw err;
  });
  if (!published.ok) {
    await undo(published.message);
    return { ok: false, code: published.code, message: published.message };
  }
  const started = await startRun(ports, merchantId, flow.id).catch(async (err: unknown) => {
    await undo('start threw');
    throw err;
  });
  if (!started.ok) {
    await undo(started.error.message);
    return { ok: false, code: started.error.code, message: started.error.message };
  }
  return { ok: true, id: flow.id, name, runId: started.run.runId, status: started.run.status };
}
