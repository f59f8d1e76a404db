/**
 * What the editor knows about each node kind beyond the compiler: its label, icon and the
 * data a new node starts with. Which outputs a node has comes from the compiler itself.
 */
import { isNodeKind, NODE_KINDS, NODE_OUTPUTS, type NodeKind, outputsFor } from '../../../engine/compiler';

export { NODE_KINDS, isNodeKind, type NodeKind };

export const KIND_LABELS = {
  trigger: 'Trigger',
  segment: 'Segment',
  wait: 'Wait',
  push: 'Push',
  email: 'Email',
  voucher: 'Voucher',
  telegram: 'Telegram',
} as const satisfies Record<NodeKind, string>;

export const KIND_ICONS = {
  trigger: '⚡',
  segment: '👥',
  wait: '⏳',
  push: '🔔',
  email: '✉️',
  voucher: '🎟️',
  telegram: '💬',
} as const satisfies Record<NodeKind, string>;

export const KIND_HINTS = {
  trigger: 'What starts the flow',
  segment: 'Split customers by conditions',
  wait: 'Pause for a while, until a time or a visit',
  push: 'A wallet notification (20 characters)',
  email: 'An email with placeholders',
  voucher: 'Give a voucher',
  telegram: 'A Telegram message to linked customers',
} as const satisfies Record<NodeKind, string>;

/** The data a node of each kind starts with: valid where a sensible default exists. */
export function defaultData(kind: NodeKind): Record<string, unknown> {
  switch (kind) {
    case 'trigger':
      return { trigger: 'broadcast' };
    case 'segment':
      return { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 5 }] };
    case 'wait':
      return { for: { days: 1 } };
    case 'push':
      return { text: '' };
    case 'email':
      return { subject: '', body: '' };
    case 'voucher':
      return { title: 'Free coffee', validDays: 14 };
    case 'telegram':
      return { text: '' };
    default: {
      const _exhaustive: never = kind;
      return _exhaustive;
    }
  }
}

/**
 * The outputs a node has with its current settings, as the compiler checks them (a wait for
 * a visit leaves by `visited` or `timeout`, any other wait by `next`).
 */
export function outputsOf(kind: NodeKind, data: Record<string, unknown>): readonly string[] {
  return outputsFor(kind, data);
}

/** Every output the kind can ever have (a wait's across its modes). */
export function allOutputsOf(kind: NodeKind): readonly string[] {
  return NODE_OUTPUTS[kind];
}

/** A short new id, unique among `taken`. */
export function newNodeId(kind: string, taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `${kind}-${Math.random().toString(36).slice(2, 8)}`;
    if (!taken.has(id)) return id;
  }
}
