/**
 * Per-node work of the compiler: parse a node's `data` with its kind's schema and build the
 * plan step once the whole graph is valid.
 */
import type { z } from 'zod';
import { issueToDiagnostic, type Diagnostic } from './diagnostics';
import { NODE_OUTPUTS, nodeDataSchemas, type NodeKind, type TriggerData } from './node-schemas';
import type { PlanTrigger, Step, WaitStep } from './plan';
import { DEFAULT_GOAL, DEFAULT_JOURNEY_HOLDOUT_PERCENT } from './goal-schema';
import { DEFAULT_DAILY_AT, DEFAULT_VOUCHER_EXPIRING_DAYS } from './trigger-schema';
import { durationToMs, type WaitData } from './wait-schema';
import { isNonBlank } from './schema-helpers';

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
  return { kind, id, data: result.data } as ParsedNode;
}

/** The plan trigger of a valid trigger node, with defaults resolved. */
export function toPlanTrigger(data: TriggerData): PlanTrigger {
  const common = {
    ...(data.cardId != null && { cardId: data.cardId }),
    ...(data.exitOn !== undefined && data.exitOn.length > 0 && { exitOn: [...new Set(data.exitOn)] }),
    goal: data.goal ?? DEFAULT_GOAL,
    holdoutPercent: data.holdoutPercent ?? defaultHoldoutPercent(data.trigger),
  };
  switch (data.trigger) {
    case 'broadcast':
      return { kind: 'broadcast', ...common, ...(data.sendAt != null && { sendAt: data.sendAt }) };
    case 'birthday':
      return { kind: 'birthday', ...common, daysBefore: data.daysBefore, at: data.at ?? DEFAULT_DAILY_AT };
    case 'inactive':
      return { kind: 'inactive', ...common, days: data.days, at: data.at ?? DEFAULT_DAILY_AT };
    case 'event':
      return data.event === 'voucher_expiring'
        ? {
            kind: 'event',
            ...common,
            event: data.event,
            daysBefore: data.daysBefore ?? DEFAULT_VOUCHER_EXPIRING_DAYS,
            at: data.at ?? DEFAULT_DAILY_AT,
          }
        : { kind: 'event', ...common, event: data.event };
    case 'schedule':
      return data.cron !== undefined
        ? { kind: 'schedule', ...common, cron: data.cron.trim().split(/\s+/).join(' ') }
        : { kind: 'schedule', ...common, ...(data.weekday && { weekday: data.weekday }), ...(data.time && { time: data.time }) };
    default: {
      const _exhaustive: never = data;
      return _exhaustive;
    }
  }
}

/**
 * Journeys (birthday, win-back, event) keep 10% back by default; broadcasts and recurring
 * broadcasts keep nobody back unless asked, as a campaign is meant to reach everyone.
 */
export function defaultHoldoutPercent(trigger: TriggerData['trigger']): number {
  return trigger === 'broadcast' || trigger === 'schedule' ? 0 : DEFAULT_JOURNEY_HOLDOUT_PERCENT;
}

/** The outputs a node actually has, given its settings (a wait's depend on its mode). */
export function nodeOutputs(node: ParsedNode): readonly string[] {
  return outputsFor(node.kind, node.data);
}

/**
 * The outputs of a step of `kind` with these settings, valid or not (the editor asks while a
 * draft is half filled in): a wait for a visit leaves by `visited` or `timeout`, any other
 * wait by `next`; other kinds have fixed outputs.
 */
export function outputsFor(kind: NodeKind, data: object): readonly string[] {
  if (kind === 'wait') return 'untilVisit' in data && data.untilVisit !== undefined ? ['visited', 'timeout'] : ['next'];
  return NODE_OUTPUTS[kind];
}

function waitStep(id: string, data: WaitData, next: Outcomes): WaitStep {
  if (data.for !== undefined) return { kind: 'wait', id, mode: 'for', durationMs: durationToMs(data.for), next: { next: next('next') } };
  if (data.until !== undefined) {
    const weekdays = data.until.weekdays ?? (data.until.weekday ? [data.until.weekday] : undefined);
    return {
      kind: 'wait',
      id,
      mode: 'until',
      time: data.until.time,
      ...(weekdays && { weekdays: [...new Set(weekdays)] }),
      next: { next: next('next') },
    };
  }
  if (data.untilVisit !== undefined) {
    return {
      kind: 'wait',
      id,
      mode: 'untilVisit',
      durationMs: durationToMs(data.untilVisit),
      next: { visited: next('visited'), timeout: next('timeout') },
    };
  }
  throw new Error(`wait ${id} without a setting reached the plan`);
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
      return {
        kind: 'push',
        id,
        text: node.data.text,
        ...(node.data.nearbyText !== undefined && { nearbyText: node.data.nearbyText }),
        ...(node.data.nearbyFrom !== undefined && { nearbyFrom: node.data.nearbyFrom }),
        ...(node.data.nearbyUntil !== undefined && { nearbyUntil: node.data.nearbyUntil }),
        ...(node.data.messageText !== undefined && isNonBlank(node.data.messageText) && { messageText: node.data.messageText }),
        next: { next: next('next') },
      };
    case 'email':
      return { kind: 'email', id, subject: node.data.subject, body: node.data.body, next: { next: next('next') } };
    case 'telegram':
      return { kind: 'telegram', id, text: node.data.text, next: { next: next('next') } };
    case 'voucher':
      return {
        kind: 'voucher',
        id,
        title: node.data.title,
        validDays: node.data.validDays,
        next: { next: next('next') },
      };
    case 'wait':
      return waitStep(id, node.data, next);
    default: {
      const _exhaustive: never = node;
      return _exhaustive;
    }
  }
}
