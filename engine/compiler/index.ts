/**
 * The compiler's public surface for the editor: compile a graph, the graph and node schemas
 * the forms validate with, and the limits and vocabularies they show. The editor imports
 * only this file; the server and the workflows may import the modules themselves.
 */
export { compileFlow } from './compiler';
export type { Diagnostic } from './diagnostics';
export { defaultHoldoutPercent, outputsFor } from './compile-node';
export type { FlowEdge, FlowGraph, FlowNode } from './graph-schema';
export {
  emailDataSchema,
  isNodeKind,
  NODE_KINDS,
  NODE_OUTPUTS,
  MESSAGE_TEXT_MAX,
  PUSH_MAX_GRAPHEMES,
  pushDataSchema,
  VOUCHER_TITLE_MAX,
  voucherDataSchema,
  type NodeKind,
} from './node-schemas';
export { WEEKDAYS } from './schema-helpers';
export { BOOLEAN_FIELDS, MAX_CONDITIONS, NUMERIC_FIELDS, SEGMENT_FIELDS, segmentDataSchema } from './segment-schema';
export { countGraphemes, PLACEHOLDERS, usesVoucherPlaceholder } from './text';
export { VOUCHER_PLACEHOLDER_WITHOUT_VOUCHER } from './voucher-placeholders';
export { DEFAULT_DAILY_AT, DEFAULT_VOUCHER_EXPIRING_DAYS, EXIT_RULES, TRIGGER_EVENTS, triggerDataSchema, type TriggerKind } from './trigger-schema';
export { waitDataSchema } from './wait-schema';
export { DEFAULT_GOAL, GOAL_EVENTS, MAX_HOLDOUT_PERCENT, type GoalEvent } from './goal-schema';
