/**
 * Publishing, pausing, resuming, archiving and starting a run by hand. Publishing saves
 * the draft first (the server publishes what it has); a refusal with diagnostics shows
 * them in the Problems list.
 */
import { useCallback, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import type { Diagnostic } from '../../../engine/compiler';
import { api, ApiFailure, call, messageOf, type Ok } from '../api';

export type LoadedFlow = Ok<Awaited<ReturnType<(typeof api.v1.flows)[':id']['$get']>>>;
export type FlowAction = 'publish' | 'pause' | 'resume' | 'archive' | 'run';

export interface Lifecycle {
  readonly busy: FlowAction | undefined;
  readonly error: string | undefined;
  /** "Version 3 published", shown until the next action. */
  readonly notice: string | undefined;
  run(action: FlowAction): Promise<void>;
}

function diagnosticsOf(err: unknown): Diagnostic[] | undefined {
  if (!(err instanceof ApiFailure)) return undefined;
  const details = err.details as { diagnostics?: unknown } | undefined;
  return Array.isArray(details?.diagnostics) ? (details.diagnostics as Diagnostic[]) : undefined;
}

export function useFlowLifecycle(
  flowId: string,
  ports: {
    /** Saves the draft now; rejects when that fails. */
    flush(): Promise<void>;
    /** The server's flow after an action (status, versions). */
    onFlow(flow: LoadedFlow): void;
    onRefused(diagnostics: Diagnostic[]): void;
  },
): Lifecycle {
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState<FlowAction>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const { flush, onFlow, onRefused } = ports;

  const run = useCallback(
    async (action: FlowAction) => {
      setBusy(action);
      setError(undefined);
      setNotice(undefined);
      const param = { id: flowId };
      try {
        switch (action) {
          case 'publish': {
            await flush();
            const published = await call(api.v1.flows[':id'].publish.$post({ param }));
            setNotice(`Version ${published.version} published`);
            onFlow(await call(api.v1.flows[':id'].$get({ param })));
            break;
          }
          case 'pause':
          case 'resume':
          case 'archive': {
            const flow = await call(
              api.v1.flows[':id'][':action{pause|resume|archive}'].$post({ param: { ...param, action } }),
            );
            onFlow(flow);
            setNotice(action === 'pause' ? 'Paused: nobody new enters' : action === 'resume' ? 'Resumed' : 'Archived');
            break;
          }
          case 'run': {
            await flush();
            const started = await call(api.v1.flows[':id'].runs.$post({ param }));
            // The contract names it `id`; earlier servers answer `runId`.
            const runId: unknown = 'id' in started ? started.id : started.runId;
            navigate(`/runs/${String(runId)}`);
            break;
          }
          default: {
            const _exhaustive: never = action;
            return _exhaustive;
          }
        }
      } catch (err) {
        const refused = diagnosticsOf(err);
        if (refused) onRefused(refused);
        setError(messageOf(err));
      } finally {
        setBusy(undefined);
      }
    },
    [flowId, flush, onFlow, onRefused, navigate],
  );

  // One object while nothing changes, so the memoised header skips the canvas's drag frames.
  return useMemo(() => ({ busy, error, notice, run }), [busy, error, notice, run]);
}
