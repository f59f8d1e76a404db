/**
 * What the compiler reports about a flow. Each diagnostic names the node or edge at fault
 * (so the editor can highlight it) and carries a message written for the merchant.
 */

/** The closed set of problems the compiler reports. */
export type DiagnosticCode =
  /** The JSON is not a graph at all (wrong shape, too big); the API answers 400. */
  | 'invalid_graph'
  /** Two nodes, or two different edges, share an id. */
  | 'duplicate_id'
  | 'no_trigger'
  | 'multiple_triggers'
  /** The trigger has no successor: the flow would do nothing. */
  | 'empty_flow'
  /** An edge leads into the trigger. */
  | 'edge_into_trigger'
  | 'unknown_node_type'
  /** An edge starts or ends at a node that does not exist. */
  | 'missing_node'
  /** An edge leaves from an output the node does not have. */
  | 'bad_handle'
  | 'unreachable'
  | 'cycle'
  /** A node setting is missing or out of range (`field` names it). */
  | 'invalid_value'
  | 'unknown_placeholder'
  /** A `{{` that never closes or a `}}` that never opened: it would be sent as written. */
  | 'broken_placeholder'
  /** `{{voucher.code}}` or `{{voucher.expiresOn}}` in a step that no voucher step comes before. */
  | 'voucher_placeholder_without_voucher'
  /** The graph or its plan is over the size budget (see `size-budget.ts`). */
  | 'too_large';

export interface Diagnostic {
  readonly nodeId?: string;
  readonly edgeId?: string;
  /** The path inside the node's `data`, e.g. `text`, `conditions.0.value`, `for`. */
  readonly field?: string;
  readonly code: DiagnosticCode;
  readonly message: string;
}

/** The subset of a zod issue the compiler reads; keeps this module free of zod types. */
export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly params?: Record<string, unknown> | undefined;
}

/** A dotted path such as `conditions.0.value`; undefined for the root. */
export function fieldPath(path: readonly PropertyKey[]): string | undefined {
  return path.length === 0 ? undefined : path.map(String).join('.');
}

/**
 * Turns a zod issue on a node's `data` into a diagnostic. A custom issue may choose its
 * code with `params: {code}` (e.g. `unknown_placeholder`); everything else is `invalid_value`.
 */
export function issueToDiagnostic(nodeId: string, issue: IssueLike): Diagnostic {
  const requested = issue.params?.['code'];
  const code: DiagnosticCode =
    requested === 'unknown_placeholder' || requested === 'broken_placeholder' ? requested : 'invalid_value';
  const field = fieldPath(issue.path);
  return field === undefined
    ? { nodeId, code, message: issue.message }
    : { nodeId, field, code, message: issue.message };
}
