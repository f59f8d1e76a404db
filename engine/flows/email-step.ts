/**
 * One email step of a flow, as drawn (the saved graph, draft or published): for the
 * preview of a step for a chosen customer and for test sends to staff.
 */
import type { Db } from '../db/database';
import { fail, type Failure } from '../result';

export type EmailStepLookup =
  | { readonly ok: true; readonly subject: string; readonly body: string }
  | Failure<'flow_not_found' | 'step_not_found'>;

export async function findEmailStep(
  db: Db,
  merchantId: string,
  flowId: string,
  nodeId: string,
): Promise<EmailStepLookup> {
  const flow = await db
    .selectFrom('flows')
    .select('graph')
    .where('id', '=', flowId)
    .where('merchant_id', '=', merchantId)
    .executeTakeFirst();
  if (!flow) return fail('flow_not_found', 'Flow not found');
  const graph = (typeof flow.graph === 'string' ? JSON.parse(flow.graph) : flow.graph) as {
    nodes?: { id?: unknown; type?: unknown; data?: Record<string, unknown> }[];
  };
  const node = graph.nodes?.find((n) => n.id === nodeId);
  if (!node || node.type !== 'email') {
    return fail('step_not_found', `The flow has no email step "${nodeId}"`);
  }
  const subject = typeof node.data?.subject === 'string' ? node.data.subject : '';
  const body = typeof node.data?.body === 'string' ? node.data.body : '';
  return { ok: true, subject, body };
}
