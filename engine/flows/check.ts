/**
 * The compiler's verdict on a graph plus the one check it cannot make itself because it
 * needs the database: a trigger's card must belong to this merchant.
 */
import { compileFlow, type CompileResult, type Diagnostic } from '../compiler/compiler';
import type { FlowGraph } from '../compiler/graph-schema';
import type { Db } from '../db/database';
import { isUuid } from '../ids';

/** Trigger nodes whose `cardId` names a card of another merchant (or none at all). */
async function foreignCardDiagnostics(db: Db, merchantId: string, graph: FlowGraph): Promise<Diagnostic[]> {
  const wanted = graph.nodes.flatMap((node) => {
    const cardId = node.data['cardId'];
    return node.type === 'trigger' && typeof cardId === 'string' && isUuid(cardId)
      ? [{ nodeId: node.id, cardId: cardId.toLowerCase() }]
      : [];
  });
  if (wanted.length === 0) return [];
  const owned = await db
    .selectFrom('cards')
    .select('id')
    .where('merchant_id', '=', merchantId)
    .where(
      'id',
      'in',
      wanted.map((w) => w.cardId),
    )
    .execute();
  const ownedIds = new Set(owned.map((card) => card.id));
  return wanted
    .filter((w) => !ownedIds.has(w.cardId))
    .map((w) => ({
      nodeId: w.nodeId,
      field: 'cardId',
      code: 'invalid_value' as const,
      message: 'This card does not exist or belongs to another merchant; choose one of your cards.',
    }));
}

/** Compiles a structurally valid graph and adds the merchant-specific diagnostics. */
export async function checkFlow(db: Db, merchantId: string, graph: FlowGraph): Promise<CompileResult> {
  const compiled = compileFlow(graph);
  const extra = await foreignCardDiagnostics(db, merchantId, graph);
  if (extra.length === 0) return compiled;
  return { ok: false, diagnostics: [...compiled.diagnostics, ...extra] };
}
