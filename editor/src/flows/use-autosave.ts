/**
 * Autosave of a flow's draft: `PUT /v1/flows/:id` about 800 ms after the last change, one
 * request at a time (changes made meanwhile go in the next one). A failed save keeps its
 * changes marked unsaved, is retried on the next change (or by `flush()`), and is never
 * dropped: leaving the page saves what is left (with `keepalive` when the tab closes).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FlowGraph } from '../../../engine/compiler';
import { api, call, messageOf, type Ok } from '../api';

export const AUTOSAVE_DELAY_MS = 800;

export type SavedFlow = Ok<Awaited<ReturnType<(typeof api.v1.flows)[':id']['$put']>>>;

export type SaveStatus =
  | { readonly state: 'saved' }
  | { readonly state: 'pending' }
  | { readonly state: 'saving' }
  | { readonly state: 'failed'; readonly error: string };

interface Draft {
  readonly graph: FlowGraph;
  readonly name: string;
}

export interface Autosave {
  readonly status: SaveStatus;
  /** Saves now; resolves once everything up to now is saved, rejects if that save fails. */
  flush(): Promise<void>;
}

const validName = (name: string) => name.trim().length > 0 && name.trim().length <= 200;

export function useAutosave(flowId: string, draft: Draft, onSaved: (flow: SavedFlow) => void): Autosave {
  const [status, setStatus] = useState<SaveStatus>({ state: 'saved' });
  const latest = useRef(draft);
  const saved = useRef(draft);
  const inFlight = useRef<Promise<void> | null>(null);
  const timer = useRef<number | undefined>(undefined);
  const onSavedRef = useRef(onSaved);
  // First of the effects below, so they all see this render's draft.
  useEffect(() => {
    latest.current = draft;
    onSavedRef.current = onSaved;
  });

  const unsaved = () =>
    latest.current.graph !== saved.current.graph ||
    (validName(latest.current.name) && latest.current.name !== saved.current.name);

  const save = useCallback(
    (keepalive = false): Promise<void> => {
      window.clearTimeout(timer.current);
      if (inFlight.current) {
        // One request at a time; what changed meanwhile is saved right after.
        return inFlight.current.then(() => (unsaved() ? save(keepalive) : undefined));
      }
      if (!unsaved()) return Promise.resolve();
      const sending = latest.current;
      const json = {
        ...(sending.graph !== saved.current.graph ? { graph: sending.graph } : {}),
        ...(validName(sending.name) && sending.name !== saved.current.name ? { name: sending.name.trim() } : {}),
      };
      setStatus({ state: 'saving' });
      const request = call(
        api.v1.flows[':id'].$put(
          { param: { id: flowId }, json },
          keepalive ? { init: { keepalive: true } } : undefined,
        ),
      )
        .then((flow) => {
          saved.current = {
            graph: json.graph ?? saved.current.graph,
            name: json.name !== undefined ? sending.name : saved.current.name,
          };
          onSavedRef.current(flow);
          setStatus(unsaved() ? { state: 'pending' } : { state: 'saved' });
        })
        .catch((err: unknown) => {
          setStatus({ state: 'failed', error: messageOf(err) });
          throw err;
        })
        .finally(() => {
          inFlight.current = null;
        });
      inFlight.current = request.catch(() => undefined);
      return request.then(() => (unsaved() ? save(keepalive) : undefined));
    },
    [flowId],
  );

  // Each change (re)starts the timer; a failed save is retried by the next change.
  useEffect(() => {
    if (!unsaved()) return;
    setStatus((s) => (s.state === 'saving' ? s : { state: 'pending' }));
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => void save().catch(() => undefined), AUTOSAVE_DELAY_MS);
  }, [draft.graph, draft.name, save]);

  // Leaving the editor saves what is left; closing the tab asks first when something is unsaved.
  useEffect(() => {
    const beforeUnload = (event: BeforeUnloadEvent) => {
      if (!unsaved() && !inFlight.current) return;
      void save(true).catch(() => undefined);
      event.preventDefault();
    };
    window.addEventListener('beforeunload', beforeUnload);
    return () => {
      window.removeEventListener('beforeunload', beforeUnload);
      window.clearTimeout(timer.current);
      if (unsaved()) void save().catch(() => undefined);
    };
  }, [save]);

  const flush = useCallback(() => save(), [save]);
  return { status, flush };
}
