/**
 * A campaign as a flow graph: trigger (broadcast) → [voucher] → push → [telegram] → [email], laid out
 * left to right as the editor would draw it, with each node's data in the shape of its
 * node schema (`engine/compiler/node-schemas.ts`), so the compiler checks it like any flow.
 */
import type { FlowEdge, FlowGraph, FlowNode } from '../compiler/graph-schema';
import type { EmailData, NodeKind, PushData, TelegramData, TriggerData, VoucherData } from '../compiler/node-schemas';

export interface CampaignSpec {
  readonly cardId: string;
  readonly push: PushData;
  readonly voucher?: VoucherData | undefined;
  readonly email?: EmailData | undefined;
  /** The long text by Telegram too (to customers who linked the merchant's bot). */
  readonly telegram?: TelegramData | undefined;
  /** ISO time; absent sends at once. */
  readonly sendAt?: string | undefined;
  /** What counts as success (a visit within 7 days when absent); checked by the compiler. */
  readonly goal?: { readonly event: string; readonly withinDays: number } | undefined;
  /** The share kept back to measure the campaign (0 when absent); checked by the compiler. */
  readonly holdoutPercent?: number | undefined;
}

/** Horizontal distance between nodes, as the editor lays out a chain. */
const STEP_X = 280;

/** The campaign's graph; node ids are the kinds (`trigger`, `voucher`, `push`, `email`). */
export function campaignGraph(spec: CampaignSpec): FlowGraph {
  const trigger: Record<string, unknown> = {
    trigger: 'broadcast',
    cardId: spec.cardId,
    ...(spec.sendAt ? { sendAt: spec.sendAt } : {}),
    ...(spec.goal ? { goal: spec.goal } : {}),
    ...(spec.holdoutPercent !== undefined ? { holdoutPercent: spec.holdoutPercent } : {}),
  } satisfies Partial<Record<keyof TriggerData, unknown>>;
  const chain: [NodeKind, Record<string, unknown>][] = [
    ['trigger', trigger],
    ...(spec.voucher ? [['voucher', { ...spec.voucher }] as [NodeKind, Record<string, unknown>]] : []),
    ['push', { ...spec.push }],
    ...(spec.telegram ? [['telegram', { ...spec.telegram }] as [NodeKind, Record<string, unknown>]] : []),
    ...(spec.email ? [['email', { ...spec.email }] as [NodeKind, Record<string, unknown>]] : []),
  ];
  const nodes: FlowNode[] = chain.map(([kind, data], i) => ({ id: kind, type: kind, position: { x: i * STEP_X, y: 0 }, data }));
  const edges: FlowEdge[] = nodes.slice(1).map((node, i) => {
    const source = nodes[i]?.id ?? 'trigger';
    return { id: `e-${source}-${node.id}`, source, target: node.id, sourceHandle: null };
  });
  return { nodes, edges };
}
