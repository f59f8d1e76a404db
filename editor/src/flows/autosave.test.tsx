// @vitest-environment happy-dom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlowGraph } from '../../../engine/compiler';

const put = vi.fn();
vi.mock('../api', () => ({
  api: { v1: { flows: { ':id': { $put: (args: unknown) => put(args) } } } },
  call: (request: Promise<unknown>) => request,
  messageOf: (err: unknown) => (err instanceof Error ? err.message : String(err)),
}));
const { useAutosave, AUTOSAVE_DELAY_MS } = await import('./use-autosave');

const graph = (n: number): FlowGraph => ({
  nodes: [{ id: `n${n}`, type: 'push', position: { x: 0, y: 0 }, data: {} }],
  edges: [],
});
const first = graph(0);
const saved = { status: 'draft', versions: [], latestVersion: null, diagnostics: [], graph: graph(0) };

function setup() {
  const onSaved = vi.fn();
  const hook = renderHook((draft: { graph: FlowGraph; name: string }) => useAutosave('flow-1', draft, onSaved), {
    initialProps: { graph: first, name: 'Flow' },
  });
  return { ...hook, onSaved };
}
const settle = () => act(async () => void (await vi.advanceTimersByTimeAsync(AUTOSAVE_DELAY_MS + 10)));

beforeEach(() => {
  vi.useFakeTimers();
  put.mockReset();
});
afterEach(() => vi.useRealTimers());

describe('useAutosave', () => {
  it('saves once, 800 ms after the last of several changes', async () => {
    put.mockResolvedValue(saved);
    const { result, rerender } = setup();
    rerender({ graph: graph(1), name: 'Flow' });
    expect(result.current.status.state).toBe('pending');
    await act(async () => void (await vi.advanceTimersByTimeAsync(500)));
    rerender({ graph: graph(2), name: 'Flow' });
    await act(async () => void (await vi.advanceTimersByTimeAsync(500)));
    expect(put).not.toHaveBeenCalled();
    await settle();
    expect(put).toHaveBeenCalledTimes(1);
    expect(put.mock.calls[0]![0]).toEqual({ param: { id: 'flow-1' }, json: { graph: graph(2) } });
    expect(result.current.status.state).toBe('saved');
  });

  it('shows why a save failed and retries with the next change, sending everything unsaved', async () => {
    put.mockRejectedValueOnce(new Error('Database is down')).mockResolvedValue(saved);
    const { result, rerender } = setup();
    rerender({ graph: graph(1), name: 'Flow' });
    await settle();
    expect(result.current.status).toEqual({ state: 'failed', error: 'Database is down' });
    rerender({ graph: graph(1), name: 'Renamed' });
    await settle();
    expect(put).toHaveBeenCalledTimes(2);
    expect(put.mock.calls[1]![0]).toEqual({ param: { id: 'flow-1' }, json: { graph: graph(1), name: 'Renamed' } });
    expect(result.current.status.state).toBe('saved');
  });

  it('saves what is left when the editor closes', async () => {
    put.mockResolvedValue(saved);
    const { rerender, unmount } = setup();
    rerender({ graph: graph(3), name: 'Flow' });
    unmount();
    await act(async () => void (await vi.advanceTimersByTimeAsync(0)));
    expect(put).toHaveBeenCalledTimes(1);
    expect(put.mock.calls[0]![0]).toEqual({ param: { id: 'flow-1' }, json: { graph: graph(3) } });
  });

  it('does not save an empty name', async () => {
    put.mockResolvedValue(saved);
    const { result, rerender } = setup();
    rerender({ graph: first, name: '  ' });
    await settle();
    expect(put).not.toHaveBeenCalled();
    expect(result.current.status.state).toBe('saved');
  });
});
