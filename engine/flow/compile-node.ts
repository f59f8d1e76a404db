/**
 * Per-node work of the compiler: parse a node's `data` with its kind's schema, flag what is
 * reserved but not runnable yet, and build the plan step once the whole graph is valid.
 */
import type { z } from 'zod';
import { issueToDiagnostic, type Diagnostic } from './diagnostics';
import { nodeDataSchemas, type NodeKind, type TriggerData } from './node-schemas';
import type { PlanTrigger, Step } from './plan';
import { durationToMs, type WaitData } from './wait-schema';

/** A node whose data passed its kind's schema. */
export type ParsedNode = {
  [K in NodeKind]: { readonly kind: K; readonly id: string; readonly data: z.output<(typeof nodeDataSchemas)[K]> };
}[NodeKind];

export type ParsedStepNode = Exclude<ParsedNode, { kind: 'trigger' }>;

/** Parses `data` for `kind`; pushes one diagnostic per problem and returns undefined on any. */
export function parseNode(
  id: string,
  kind: NodeKind,
  data: unknown,
  diagnostics: Diagnostic[],
): ParsedNode | undefined {
  const result = nodeDataSchemas[kind].safeParse(data);
  if (!result.success) {
    for (const issue of result.error.issues) diagnostics.push(issueToDiagnostic(id, issue));
    return undefined;
  }
  // TypeScript cannot correlate `kind` with the schema it picked; the pairing is by construction.
  const node = { kind, id, data: result.data } as ParsedNode;
  const unsupported = unsupportedFeature(node);
  if (unsupported !== undefined) diagnostics.push(unsupported);
  return node;
}

const JOURNEYS = 'arrive with journeys; only broadcasts run today.';
const TRIGGER_NAMES = {
  birthday: 'Birthday triggers',
  inactive: 'Win-back (inactivity) triggers',
  event: 'Event triggers',
  schedule: 'Scheduled triggers',
} as const satisfies Record<Exclude<TriggerData['trigger'], 'broadcast'>, string>;

function unsupportedWait(id: string, data: WaitData): Diagnostic | undefined {
  if (data.until !== undefined) {
    return { nodeId: id, field: 'until', code: 'unsupported', message: `Waiting until a time of day ${JOURNEYS}` };
  }
  if (data.untilVisit !== undefined) {
    return { nodeId: id, field: 'untilVisit', code: 'unsupported', message: `Waiting for a visit ${JOURNEYS}` };
  }
  return undefined;
}

/** A diagnostic when the node parses but uses something reserved for later work. */
function unsupportedFeature(node: ParsedNode): Diagnostic | undefined {
  switch (node.kind) {
    case 'trigger':
      return node.data.trigger === 'broadcast'
        ? undefined
        : {
            nodeId: node.id,
            field: 'trigger',
            code: 'unsupported',
            message: `${TRIGGER_NAMES[node.data.trigger]} ${JOURNEYS}`,
          };
    case 'wait':
      return unsupportedWait(node.id, node.data);
    case 'segment':
    case 'push':
    case 'email':
    case 'voucher':
      return undefined;
    default: {
      const _exhaustive: never = node;
      return _exhaustive;
    }
  }
}

/** The plan trigger of a valid, supported trigger node. */
export function toPlanTrigger(data: TriggerData): PlanTrigger {
  if (data.trigger !== 'broadcast') throw new Error(`unsupported trigger ${data.trigger} reached the plan`);
  return {
    kind: 'broadcast',
    ...(data.cardId != null && { cardId: data.cardId }),
    ...(data.sendAt != null && { sendAt: data.sendAt }),
  };
}

/** Successor step ids of a node, per output handle. */
export type Outcomes = (handle: string) => string[];

/** The plan step of a valid, supported node; data is already normalised by its schema. */
export function toStep(node: ParsedStepNode, next: Outcomes): Step {
  const { id } = node;
  switch (node.kind) {
    case 'segment':
      return {
        kind: 'segment',
        id,
        match: node.data.match,
        conditions: node.data.conditions,
        next: { match: next('match'), else: next('else') },
      };
    case 'push':
      return { kind: 'push', id, text: node.data.text, next: { next: next('next') } };
    case 'email':
      return { kind: 'email', id, subject: node.data.subject, body: node.data.body, next: { next: next('next') } };
    case 'voucher':
      return {
        kind: 'voucher',
        id,
        title: node.data.title,
        validDays: node.data.validDays,
        next: { next: next('next') },
      };
    case 'wait': {
      if (node.data.for === undefined) throw new Error(`wait ${id} without a duration reached the plan`);
      return { kind: 'wait', id, durationMs: durationToMs(node.data.for), next: { next: next('next') } };
    }
    default: {
      const _exhaustive: never = node;
      return _exhaustive;
    }
  }
}
