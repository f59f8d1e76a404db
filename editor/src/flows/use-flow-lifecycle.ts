/**
 * Publishing, pausing, resuming, archiving and starting a run by hand. Publishing saves
 * the draft first (the server publishes what it has); a refusal with diagnostics shows
 * them in the Problems list.
 */
import { useCallback, useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import type { Diagnostic } from '../../../engine/compiler';
import { api, ApiFailure, call, messageOf, type Ok } from '../api';
import type { SendPreviewAnswer } from '../sending/send-summary';

export type LoadedFlow = Ok<Awaited<ReturnType<(typeof api.v1.flows)[':id']['$get']>>>;
/**
 * `check-run` asks the server who a run would reach; `run` starts it once the owner confirmed.
 * `publish` of a flow that sends by itself first asks who its draft would reach (the same
 * confirmation); `confirm-publish` publishes once the owner confirmed.
 */
export type FlowAction = 'publish' | 'confirm-publish' | 'pause' | 'resume' | 'archive' | 'check-run' | 'run';

export interface Lifecycle {
  readonly busy: FlowAction | undefined;
  readonly error: string | undefined;
  /** "Version 3 published", shown until the next action. */
  readonly notice: string | undefined;
  /** Who a run would reach, while the owner is asked to confirm it. */
  readonly runPreview: SendPreviewAnswer | undefined;
  /** Who the draft would reach, while the owner is asked to confirm publishing it. */
  readonly publishPreview: SendPreviewAnswer | undefined;
  run(action: FlowAction): Promise<void>;
  /** Closes the confirmation without starting anything. */
  dismiss(): void;
}

/** "Version 3 published" and who stays on which version. */
function publishNotice(published: { version: number; unchanged?: boolean }, flow: LoadedFlow): string {
  if (published.unchanged) return `No changes since version ${published.version}: nothing new to publish`;
  const older = flow.inFlight.filter((v) => v.version !== published.version && v.customers > 0);
  const staying = older
    .map((v) => `${v.customers} customer${v.customers === 1 ? '' : 's'} on version ${v.version}`)
    .join(', ');
  return staying
    ? `Version ${published.version} published. New runs use it; ${staying} finish their journey there`
    : `Version ${published.version} published`;
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
    /** True when publishing would let the flow send by itself (a scheduled trigger, not paused). */
    sendsByItself(): boolean;
  },
): Lifecycle {
  const [, navigate] = useLocation();
  const [busy, setBusy] = useState<FlowAction>();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [runPreview, setRunPreview] = useState<SendPreviewAnswer>();
  const [publishPreview, setPublishPreview] = useState<SendPreviewAnswer>();
  const { flush, onFlow, onRefused, sendsByItself } = ports;

  const run = useCallback(
    async (action: FlowAction) => {
      setBusy(action);
      setError(undefined);
      setNotice(undefined);
      const param = { id: flowId };
      try {
        switch (action) {
          case 'publish':
          case 'confirm-publish': {
            await flush();
            if (action === 'publish' && sendsByItself()) {
              setPublishPreview(await call(api.v1.flows[':id']['send-preview'].$get({ param, query: { draft: 'true' } })));
              break;
            }
            const published = await call(api.v1.flows[':id'].publish.$post({ param }));
            const flow = await call(api.v1.flows[':id'].$get({ param }));
            setPublishPreview(undefined);
            setNotice(publishNotice(published, flow));
            onFlow(flow);
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
          case 'check-run': {
            await flush();
            setRunPreview(await call(api.v1.flows[':id']['send-preview'].$get({ param, query: {} })));
            break;
          }
          case 'run': {
            const started = await call(api.v1.flows[':id'].runs.$post({ param }));
            // The contract names it `id`; earlier servers answer `runId`.
            const runId: unknown = 'id' in started ? started.id : started.runId;
            setRunPreview(undefined);
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
    [flowId, flush, onFlow, onRefused, sendsByItself, navigate],
  );

  // One object while nothing changes, so the memoised header skips the canvas's drag frames.
  const dismiss = useCallback(() => {
    setRunPreview(undefined);
    setPublishPreview(undefined);
    setError(undefined);
  }, []);
  return useMemo(
    () => ({ busy, error, notice, runPreview, publishPreview, run, dismiss }),
    [busy, error, notice, runPreview, publishPreview, run, dismiss],
  );
}
