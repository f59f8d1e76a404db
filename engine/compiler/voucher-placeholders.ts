/**
 * `{{voucher.code}}` and `{{voucher.expiresOn}}` are filled from the voucher a voucher step
 * issued earlier on the customer's path; without one they would go out empty. A step that
 * uses them must have a voucher step before it on every path from the trigger. The one
 * exception: a flow started by an expiring voucher, where the customer already holds it.
 */
import type { ParsedNode } from './compile-node';
import type { Diagnostic } from './diagnostics';
import type { GraphIndex } from './graph-index';
import { usesVoucherPlaceholder } from './text';

/** What the merchant reads when a voucher placeholder has no voucher before it (the campaign form says it too). */
export const VOUCHER_PLACEHOLDER_WITHOUT_VOUCHER =
  'No voucher comes before this message, so {{voucher.code}} and {{voucher.expiresOn}} would be empty: add a voucher before it, or remove the placeholder.';

/** The texts of a step that may hold placeholders, by their field in the node's data. */
function placeholderTexts(node: ParsedNode): [field: string, text: string][] {
  if (node.kind === 'email') return [['subject', node.data.subject], ['body', node.data.body]];
  if (node.kind === 'push' && node.data.messageText !== undefined) return [['messageText', node.data.messageText]];
  return [];
}

/**
 * The ids some path from the trigger reaches without passing a voucher step first.
 * Falseness spreads from the trigger along edges and stops at voucher steps: linear in the graph.
 */
function withoutVoucher(index: GraphIndex, trigger: string): Set<string> {
  const bare = new Set<string>([trigger]);
  const queue = [trigger];
  for (let id = queue.pop(); id !== undefined; id = queue.pop()) {
    if (index.kinds.get(id) === 'voucher') continue;
    for (const edge of index.out.get(id) ?? []) {
      if (bare.has(edge.target)) continue;
      bare.add(edge.target);
      queue.push(edge.target);
    }
  }
  return bare;
}

/**
 * One diagnostic per field that uses a voucher placeholder no voucher step precedes.
 *
 * @example
 * // trigger → email "Show {{voucher.code}}": [{nodeId: 'email', field: 'body', code: 'voucher_placeholder_without_voucher', …}]
 */
export function voucherPlaceholderDiagnostics(index: GraphIndex, nodes: ReadonlyMap<string, ParsedNode>): Diagnostic[] {
  const triggerId = index.triggers[0];
  const trigger = triggerId === undefined ? undefined : nodes.get(triggerId);
  if (triggerId === undefined || trigger?.kind !== 'trigger') return [];
  if (trigger.data.trigger === 'event' && trigger.data.event === 'voucher_expiring') return [];
  const bare = withoutVoucher(index, triggerId);
  const found: Diagnostic[] = [];
  for (const node of nodes.values()) {
    if (!bare.has(node.id)) continue;
    for (const [field, text] of placeholderTexts(node)) {
      if (!usesVoucherPlaceholder(text)) continue;
      found.push({
        nodeId: node.id,
        field,
        code: 'voucher_placeholder_without_voucher',
        message: VOUCHER_PLACEHOLDER_WITHOUT_VOUCHER,
      });
    }
  }
  return found;
}
