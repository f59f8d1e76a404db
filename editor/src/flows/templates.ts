/**
 * Flows to start from on the "New flow" page. Each template is a complete, valid graph
 * (templates.test.tsx compiles every one with the real compiler), laid out left to right.
 */
import type { FlowEdge, FlowGraph, FlowNode } from '../../../engine/compiler';

export interface FlowTemplate {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly icon: string;
  readonly graph: FlowGraph;
}

const COLUMN = 280;
const ROW = 170;

function node(id: string, type: string, column: number, row: number, data: Record<string, unknown>): FlowNode {
  return { id, type, position: { x: column * COLUMN, y: row * ROW }, data };
}

function edge(source: string, target: string, sourceHandle: string | null = null): FlowEdge {
  return { id: `e-${source}-${sourceHandle ?? 'next'}-${target}`, source, target, sourceHandle };
}

/** The blank canvas: a trigger to start from. */
export const BLANK_GRAPH: FlowGraph = {
  nodes: [node('trigger', 'trigger', 0, 0, { trigger: 'broadcast' })],
  edges: [],
};

export const TEMPLATES: readonly FlowTemplate[] = [
  {
    id: 'birthday',
    name: 'Birthday offer',
    icon: '🎂',
    description: 'Three days before a birthday: a voucher, a push and an email with the code.',
    graph: {
      nodes: [
        node('trigger', 'trigger', 0, 0, { trigger: 'birthday', daysBefore: 3, at: '10:00' }),
        node('voucher', 'voucher', 1, 0, { title: 'Birthday treat', validDays: 14 }),
        node('push', 'push', 2, 0, { text: 'Happy birthday! 🎂' }),
        node('email', 'email', 3, 0, {
          subject: 'Happy birthday, {{customer.name}}!',
          body: 'Happy birthday, {{customer.name}}!\n\nYour treat is on us: show code {{voucher.code}} at the counter before {{voucher.expiresOn}}.',
        }),
      ],
      edges: [edge('trigger', 'voucher'), edge('voucher', 'push'), edge('push', 'email')],
    },
  },
  {
    id: 'win-back',
    name: 'Win-back after 30 days',
    icon: '👋',
    description: 'No visit for 30 days: a push, then a reminder to those who still did not come within a week.',
    graph: {
      nodes: [
        node('trigger', 'trigger', 0, 0, { trigger: 'inactive', days: 30, exitOn: ['visit'] }),
        node('miss-you', 'push', 1, 0, { text: 'We miss you! ☕' }),
        node('wait', 'wait', 2, 0, { untilVisit: { days: 7 } }),
        node('reminder', 'push', 3, 0.6, { text: 'Still time for ☕' }),
        node('reminder-email', 'email', 4, 0.6, {
          subject: 'Your card misses you, {{customer.name}}',
          body: 'Only {{stampsLeft}} stamps to your next {{card.name}} reward. See you soon!',
        }),
      ],
      edges: [
        edge('trigger', 'miss-you'),
        edge('miss-you', 'wait'),
        edge('wait', 'reminder', 'timeout'),
        edge('reminder', 'reminder-email'),
      ],
    },
  },
  {
    id: 'reward-ready',
    name: 'Reward-ready nudge',
    icon: '🎁',
    description: 'The moment a card is full: a push saying the reward is waiting.',
    graph: {
      nodes: [
        node('trigger', 'trigger', 0, 0, { trigger: 'event', event: 'reward_ready' }),
        node('push', 'push', 1, 0, { text: 'Reward ready! 🎁' }),
      ],
      edges: [edge('trigger', 'push')],
    },
  },
  {
    id: 'welcome',
    name: 'Welcome series',
    icon: '🤝',
    description: 'A welcome email when someone joins, and a push three days later.',
    graph: {
      nodes: [
        node('trigger', 'trigger', 0, 0, { trigger: 'event', event: 'joined' }),
        node('welcome', 'email', 1, 0, {
          subject: 'Welcome to {{card.name}}, {{customer.name}}!',
          body: 'Thanks for joining. Every visit earns a stamp; {{stampsLeft}} more and your reward is yours.',
        }),
        node('wait', 'wait', 2, 0, { for: { days: 3 } }),
        node('push', 'push', 3, 0, { text: 'Come by for a stamp' }),
      ],
      edges: [edge('trigger', 'welcome'), edge('welcome', 'wait'), edge('wait', 'push')],
    },
  },
  {
    id: 'broadcast',
    name: 'One-off broadcast',
    icon: '📣',
    description: 'A push to every card holder, sent when you launch it.',
    graph: {
      nodes: [
        node('trigger', 'trigger', 0, 0, { trigger: 'broadcast' }),
        node('push', 'push', 1, 0, { text: 'New on the menu ☕' }),
      ],
      edges: [edge('trigger', 'push')],
    },
  },
];
