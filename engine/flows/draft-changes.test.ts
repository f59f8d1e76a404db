import { describe, expect, it } from 'vitest';
import type { FlowGraph } from '../compiler/graph-schema';
import { draftChanges } from './draft-changes';

const live: FlowGraph = {
  nodes: [
    { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } },
    { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text: 'Hi', voucher: false } },
  ],
  edges: [{ id: 'e1', source: 't', target: 'p', sourceHandle: null }],
};

describe('draftChanges', () => {
  it('sees no change when only positions, key order and editor marks differ', () => {
    const moved: FlowGraph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 50, y: 9 }, data: { trigger: 'broadcast' }, selected: true },
        { id: 'p', type: 'push', position: { x: 3, y: 1 }, data: { voucher: false, text: 'Hi' }, measured: { width: 1 } },
      ],
      edges: [{ id: 'other-id', source: 't', target: 'p' }],
    };
    expect(draftChanges(live, moved)).toBeNull();
  });

  it('names added, removed and changed steps and a moved connection', () => {
    const draft: FlowGraph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } },
        { id: 'p', type: 'push', position: { x: 0, y: 100 }, data: { text: 'Hello', voucher: false } },
        { id: 'e', type: 'email', position: { x: 0, y: 200 }, data: { subject: 'S', body: 'B' } },
      ],
      edges: [
        { id: 'e1', source: 't', target: 'p', sourceHandle: null },
        { id: 'e2', source: 'p', target: 'e', sourceHandle: null },
      ],
    };
    expect(draftChanges(live, draft)).toEqual({ added: ['e'], removed: [], changed: ['p'], connections: true });
    expect(draftChanges(draft, live)).toEqual({ added: [], removed: ['e'], changed: ['p'], connections: true });
  });
});
