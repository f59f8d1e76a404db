/**
 * A campaign before it is sent: checked like a launch ({@link checkCampaign}, shared with
 * `createCampaign`) and counted by the run's own audience SQL (`previewSend`). Writes nothing.
 */
import type { Db } from '../db/database';
import type { Diagnostic } from '../compiler/compiler';
import type { FlowGraph } from '../compiler/graph-schema';
import type { Plan } from '../compiler/plan';
import { checkFlow } from '../flows/check';
import { previewSend, type SendPreview } from '../runs/send-preview';
import { campaignGraph, type CampaignSpec } from './graph';
import { fail, type Failure } from '../result';

export type CampaignProblem =
  | Failure<'bad_request', { readonly diagnostics: Diagnostic[] }>
  | Failure<'not_found'>;

export type CheckedCampaign =
  | { readonly ok: true; readonly graph: FlowGraph; readonly plan: Plan; readonly timezone: string; readonly cardName: string }
  | CampaignProblem;

/** The card must be the merchant's and the campaign's graph must compile. */
export async function checkCampaign(db: Db, merchantId: string, spec: CampaignSpec): Promise<CheckedCampaign> {
  const card = await db
    .selectFrom('cards')
    .innerJoin('merchants', 'merchants.id', 'cards.merchant_id')
    .select(['cards.id', 'cards.name', 'merchants.timezone'])
    .where('cards.id', '=', spec.cardId)
    .where('cards.merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!card) return fail('not_found', 'Card not found');
  const graph = campaignGraph(spec);
  const checked = await checkFlow(db, merchantId, graph);
  if (!checked.ok || !checked.plan) {
    const count = checked.diagnostics.length;
    const first = checked.diagnostics[0]?.message ?? '';
    const message = `The campaign has ${count} problem${count === 1 ? '' : 's'}: ${first}`;
    return fail('bad_request', message, { diagnostics: checked.diagnostics });
  }
  return { ok: true, graph, plan: checked.plan, timezone: card.timezone, cardName: card.name };
}

/** Who the campaign would reach if it were sent now (or at its `sendAt`). */
export async function previewCampaign(
  db: Db,
  merchantId: string,
  spec: CampaignSpec,
): Promise<{ readonly ok: true; readonly preview: SendPreview } | CampaignProblem> {
  const checked = await checkCampaign(db, merchantId, spec);
  if (!checked.ok) return checked;
  const sendAt = spec.sendAt ? new Date(spec.sendAt) : undefined;
  return { ok: true, preview: await previewSend(db, { merchantId, plan: checked.plan, sendAt }) };
}
