// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { TEMPLATES } from './templates';
import { useFlowDocument } from './use-flow-document';

const graph = TEMPLATES.find((t) => t.id === 'welcome')!.graph;
const setup = () => renderHook(() => useFlowDocument(graph));
/** Runs an edit and lets its commit (a microtask) happen. */
const edit = async (fn: () => void) => act(async () => fn());

describe('useFlowDocument', () => {
  it('commits a data change as one undo step and restores it', async () => {
    const { result } = setup();
    await edit(() =>
      result.current.change(
        { nodes: (ns) => ns.map((n) => (n.id === 'push' ? { ...n, data: { text: 'Hi' } } : n)) },
        {},
      ),
    );
    expect(result.current.doc.nodes.find((n) => n.id === 'push')?.data).toEqual({ text: 'Hi' });
    expect(result.current.canUndo).toBe(true);
    await edit(() => result.current.undo());
    expect(result.current.doc).toBe(graph);
    expect(result.current.current().nodes.find((n) => n.id === 'push')?.data).toEqual({ text: 'Come by for a stamp' });
    await edit(() => result.current.redo());
    expect(result.current.doc.nodes.find((n) => n.id === 'push')?.data).toEqual({ text: 'Hi' });
  });

  it('merges a burst of typing in one field into one undo step', async () => {
    const { result } = setup();
    for (const text of ['H', 'Hi', 'Hi!']) {
      await edit(() =>
        result.current.change(
          { nodes: (ns) => ns.map((n) => (n.id === 'push' ? { ...n, data: { text } } : n)) },
          { coalesce: 'data:push' },
        ),
      );
    }
    await edit(() => result.current.undo());
    expect(result.current.doc).toBe(graph);
    expect(result.current.canUndo).toBe(false);
  });

  it('makes removing a node and its edges in the same tick one step', async () => {
    const { result } = setup();
    await edit(() => {
      result.current.change({ nodes: (ns) => ns.filter((n) => n.id !== 'wait') }, {});
      result.current.change({ edges: (es) => es.filter((e) => e.source !== 'wait' && e.target !== 'wait') }, {});
    });
    expect(result.current.doc.nodes).toHaveLength(3);
    expect(result.current.doc.edges).toHaveLength(1);
    await edit(() => result.current.undo());
    expect(result.current.doc.nodes).toHaveLength(4);
    expect(result.current.doc.edges).toHaveLength(3);
  });

  it('does not commit selection or a drag in progress; commits the drop', async () => {
    const { result } = setup();
    const before = result.current.doc;
    await edit(() => result.current.change({ nodes: (ns) => ns.map((n) => ({ ...n, selected: true })) }));
    await edit(() =>
      result.current.change({
        nodes: (ns) => ns.map((n) => (n.id === 'push' ? { ...n, position: { x: 5, y: 5 } } : n)),
      }),
    );
    expect(result.current.doc).toBe(before);
    expect(result.current.canUndo).toBe(false);
    await edit(() => result.current.change({ nodes: (ns) => ns }, {}));
    expect(result.current.doc.nodes.find((n) => n.id === 'push')?.position).toEqual({ x: 5, y: 5 });
  });

  it('keeps the same document while a step is dragged, so the editor around the canvas does not re-render', async () => {
    const { result } = setup();
    const before = result.current;
    await edit(() =>
      result.current.change({
        nodes: (ns) => ns.map((n) => (n.id === 'push' ? { ...n, position: { x: 7, y: 7 }, dragging: true } : n)),
      }),
    );
    expect(result.current).toBe(before);
    expect(result.current.current().nodes.find((n) => n.id === 'push')?.position).toEqual({ x: 7, y: 7 });
  });

  it('forgets the redo steps after a new change', async () => {
    const { result } = setup();
    await edit(() => result.current.change({ nodes: (ns) => ns.slice(1) }, {}));
    await edit(() => result.current.undo());
    expect(result.current.canRedo).toBe(true);
    await edit(() => result.current.change({ nodes: (ns) => ns.slice(2) }, {}));
    expect(result.current.canRedo).toBe(false);
  });
});
