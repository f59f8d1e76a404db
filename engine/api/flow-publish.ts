/**
 * Publishing: an immutable version (graph snapshot + plan), numbered 1, 2, … per flow.
 * The flow row is locked so two concurrent publishes get consecutive numbers.
 */
import type { Db } from '../db/database';
import type { FlowGraph } from '../flow/graph-schema';
import type { Plan } from '../flow/plan';
import { ApiError, notFound } from './errors';
import { checkFlow } from './flow-check';

/** Publishes the flow's current draft; a draft with diagnostics is a 422 carrying them. */
export async function publishFlow(
  db: Db,
  merchantId: string,
  flowId: string,
): Promise<{ version: number; plan: Plan }> {
  return db.transaction().execute(async (trx) => {
    const flow = await trx
      .selectFrom('flows')
      .select(['id', 'graph'])
      .where('id', '=', flowId)
      .where('merchant_id', '=', merchantId)
      .forUpdate()
      .executeTakeFirst();
    if (!flow) throw notFound('Flow');
    const graph = flow.graph as FlowGraph;
    const result = await checkFlow(trx, merchantId, graph);
    if (!result.ok || !result.plan) {
      const count = result.diagnostics.length;
      throw new ApiError(
        'unprocessable',
        `The flow has ${count} problem${count === 1 ? '' : 's'}; fix them to publish`,
        {
          diagnostics: result.diagnostics,
        },
      );
    }
    const latest = await trx
      .selectFrom('flow_versions')
      .select((eb) => eb.fn.max('version').as('version'))
      .where('flow_id', '=', flowId)
      .executeTakeFirst();
    const version = (latest?.version ?? 0) + 1;
    await trx
      .insertInto('flow_versions')
      .values({ flow_id: flowId, version, graph: JSON.stringify(graph), plan: JSON.stringify(result.plan) })
      .execute();
    return { version, plan: result.plan };
  });
}
