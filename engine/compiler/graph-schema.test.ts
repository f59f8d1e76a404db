import { describe, expect, it } from 'vitest';
import { MAX_NODES, flowGraphSchema } from './graph-schema';

const node = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'push',
  position: { x: 0, y: 0 },
  data: {},
  ...extra,
});

describe('flowGraphSchema', () => {
  it('accepts drafts with unknown node types and incomplete data', () => {
    const draft = { nodes: [node('a', { type: 'sms' }), node('b', { data: { text: 42 } })], edges: [] };
    expect(flowGraphSchema.safeParse(draft).success).toBe(true);
  });

  it('keeps the properties React Flow adds to nodes, edges and the graph', () => {
    const graph = {
      nodes: [node('a', { measured: { width: 180, height: 64 }, selected: true, width: 180 })],
      edges: [{ id: 'e', source: 'a', target: 'a', sourceHandle: null, targetHandle: null, type: 'smoothstep' }],
      viewport: { x: 0, y: 0, zoom: 1 },
    };
    const parsed = flowGraphSchema.parse(graph);
    expect(parsed).toEqual(graph);
  });

  it('accepts an edge without a sourceHandle', () => {
    expect(flowGraphSchema.safeParse({ nodes: [], edges: [{ id: 'e', source: 'a', target: 'b' }] }).success).toBe(true);
  });

  it('rejects a node whose data is not an object', () => {
    expect(flowGraphSchema.safeParse({ nodes: [node('a', { data: 'push' })], edges: [] }).success).toBe(false);
  });

  it('rejects a node without a position', () => {
    const { position: _position, ...positionless } = node('a');
    expect(flowGraphSchema.safeParse({ nodes: [positionless], edges: [] }).success).toBe(false);
  });

  it('rejects an empty id and an id longer than 100 characters', () => {
    expect(flowGraphSchema.safeParse({ nodes: [node('')], edges: [] }).success).toBe(false);
    expect(flowGraphSchema.safeParse({ nodes: [node('x'.repeat(101))], edges: [] }).success).toBe(false);
  });

  it(`rejects more than ${MAX_NODES} nodes`, () => {
    const nodes = Array.from({ length: MAX_NODES + 1 }, (_, i) => node(`n${i}`));
    expect(flowGraphSchema.safeParse({ nodes, edges: [] }).success).toBe(false);
  });

  it('rejects input that is not a graph', () => {
    for (const input of [null, [], 'flow', { nodes: [] }, { nodes: {}, edges: [] }]) {
      expect(flowGraphSchema.safeParse(input).success).toBe(false);
    }
  });
});
