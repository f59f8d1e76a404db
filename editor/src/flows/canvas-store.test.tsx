// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { CanvasStore, useCanvas, useSelection } from './canvas-store';
import type { EditorNode } from './FlowNode';

const node = (id: string, x: number, selected = false): EditorNode => ({
  id,
  type: 'push',
  position: { x, y: 0 },
  data: { text: id },
  selected,
});
const moved = (nodes: EditorNode[], id: string, x: number) =>
  nodes.map((n) => (n.id === id ? { ...n, position: { x, y: 0 } } : n));

function setup() {
  const store = new CanvasStore({ nodes: [node('a', 0, true), node('b', 100)], edges: [] });
  let renders = 0;
  const hook = renderHook(() => {
    renders += 1;
    return useSelection(store);
  });
  return { store, hook, renders: () => renders };
}

describe('useSelection', () => {
  it('does not re-render while the selected step is dragged', () => {
    const { store, hook, renders } = setup();
    const before = hook.result.current;
    const count = renders();
    for (let x = 1; x <= 10; x++) act(() => store.set({ ...store.current(), nodes: moved(store.current().nodes, 'a', x) }));
    expect(hook.result.current).toBe(before);
    expect(renders()).toBe(count);
  });

  it('follows the selection and the selected step’s settings', () => {
    const { store, hook } = setup();
    expect(hook.result.current).toMatchObject({ count: 1, step: { id: 'a', type: 'push', data: { text: 'a' } } });
    act(() => store.set({ ...store.current(), nodes: store.current().nodes.map((n) => ({ ...n, selected: true })) }));
    expect(hook.result.current).toEqual({ count: 2 });
    act(() => store.set({ ...store.current(), nodes: [{ ...node('b', 100, true), data: { text: 'changed' } }] }));
    expect(hook.result.current.step).toEqual({ id: 'b', type: 'push', data: { text: 'changed' } });
  });
});

describe('useCanvas', () => {
  it('re-renders with every change of the nodes', () => {
    const store = new CanvasStore({ nodes: [node('a', 0)], edges: [] });
    const { result } = renderHook(() => useCanvas(store));
    act(() => store.set({ ...store.current(), nodes: moved(store.current().nodes, 'a', 42) }));
    expect(result.current.nodes[0]?.position.x).toBe(42);
  });
});

describe('useCanvas while held', () => {
  it('skips changes made while held, and the next change taken brings it up to date', () => {
    const store = new CanvasStore({ nodes: [node('a', 0), node('b', 100)], edges: [] });
    let holding = false;
    let renders = 0;
    const { result } = renderHook(() => {
      renders += 1;
      return useCanvas(store, () => holding);
    });
    const count = renders;
    holding = true;
    for (let x = 1; x <= 5; x++) act(() => store.set({ ...store.current(), nodes: moved(store.current().nodes, 'a', x) }));
    holding = false;
    expect(renders).toBe(count);
    expect(result.current.nodes[0]?.position.x).toBe(0);
    act(() => store.set({ ...store.current(), nodes: moved(store.current().nodes, 'b', 200) }));
    expect(result.current.nodes.map((n) => n.position.x)).toEqual([5, 200]);
  });
});
