/**
 * The run inspector: what a run did, step by step and customer by customer, and its
 * timeline (with the raw history behind "Technical details"). Polls every 2 s while the run is scheduled or running.
 */
import { useEffect, useMemo, useState, type KeyboardEvent } from 'react';
import type { FlowGraph } from '../../../engine/compiler';
import { api, call } from '../api';
import { FlowView } from '../flows/FlowView';
import { ResultPanel } from '../results/ResultPanel';
import { ErrorNote } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { DeliveriesPanel, type DeliveryFilter } from './DeliveriesPanel';
import { NothingSentPanel } from './NothingSentPanel';
import { VouchersPanel } from './VouchersPanel';
import { HeldBackNote } from '../sending/HeldBackNote';
import { RunHistory } from './RunHistory';
import { RunSummary } from './RunSummary';
import { orderedSteps } from './step-labels';
import { StepTable } from './StepTable';
import type { StepOverlay } from './types';
import { isLive } from './words';
import './runs.css';

type Tab = 'deliveries' | 'history';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'deliveries', label: 'Deliveries' },
  { id: 'history', label: 'Timeline' },
];

export function RunPage({ id }: { id: string }) {
  const [pollMs, setPollMs] = useState<number>();
  const run = useApi(() => call(api.v1.runs[':id'].$get({ param: { id } })), [id], { pollMs });
  const report = run.data;
  const live = isLive(report?.status);
  useEffect(() => setPollMs(live ? 2000 : undefined), [live]);

  const version = useApi(
    () =>
      report
        ? call(api.v1.flows[':id'].versions[':version'].$get({ param: { id: report.flowId, version: String(report.version) } }))
        : Promise.resolve(undefined),
    [report?.flowId, report?.version],
  );
  const graph = version.data?.graph as FlowGraph | undefined;

  const [tab, setTab] = useState<Tab>('deliveries');
  const [filter, setFilter] = useState<DeliveryFilter>({});
  const steps = report?.steps;
  const nodeIds = useMemo(() => orderedSteps(graph, Object.keys(steps ?? {})), [graph, steps]);
  const overlay = useMemo(() => {
    const out: Record<string, StepOverlay> = {};
    for (const [nodeId, s] of Object.entries(steps ?? {})) {
      out[nodeId] = { entered: s.entered, sent: s.sent, failed: s.failed, skipped: s.skipped, waiting: s.waiting };
    }
    return out;
  }, [steps]);

  if (!report) {
    return (
      <div className="run-page">
        <ErrorNote error={run.error} />
        {!run.error && <p className="hint" aria-busy="true">Loading the run…</p>}
      </div>
    );
  }

  // Arrow keys move between tabs, as in every tab strip.
  const onTabKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = tab === 'deliveries' ? 'history' : 'deliveries';
    setTab(next);
    document.getElementById(`tab-${next}`)?.focus();
  };

  const selectNode = (nodeId: string | null | undefined) => {
    setFilter((f) => ({ ...f, nodeId: nodeId && nodeId !== f.nodeId ? nodeId : undefined }));
    setTab('deliveries');
  };

  return (
    <div className="run-page">
      <RunSummary run={report} onChanged={run.reload} />
      {run.error && <ErrorNote error={`Could not refresh: ${run.error}`} />}
      <HeldBackNote flowId={report.flowId} />
      <NothingSentPanel runId={id} live={live} members={report.counts.members} />
      <ResultPanel runId={id} flowName={report.flowName} live={live} />

      <section className="card run-graph" aria-label="The flow with counts per step">
        <div className="run-graph-head">
          <h2>Steps</h2>
          <span className="hint">Each step shows how many customers entered it and what happened. Choose a step to see its deliveries.</span>
        </div>
        <ErrorNote error={version.error} />
        <div className="run-graph-canvas">
          {graph ? (
            <FlowView graph={graph} overlay={overlay} selectedNodeId={filter.nodeId} onSelectNode={selectNode} height={380} />
          ) : (
            !version.error && <p className="hint">Loading the flow…</p>
          )}
        </div>
        <details className="step-details">
          <summary>Counts per step as a table</summary>
          <StepTable graph={graph} steps={report.steps} nodeIds={nodeIds} selectedNodeId={filter.nodeId} onSelect={selectNode} />
        </details>
      </section>

      <VouchersPanel runId={id} graph={graph} live={live} />

      <div className="tabs" role="tablist" aria-label="Run details" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-controls={`panel-${t.id}`}
            aria-selected={tab === t.id}
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="panel-deliveries" aria-labelledby="tab-deliveries" hidden={tab !== 'deliveries'}>
        <DeliveriesPanel runId={id} graph={graph} nodeIds={nodeIds} filter={filter} onFilter={setFilter} live={live} runStatus={report.status} />
      </div>
      {tab === 'history' && (
        <div role="tabpanel" id="panel-history" aria-labelledby="tab-history">
          <RunHistory runId={id} live={live} graph={graph} />
        </div>
      )}
    </div>
  );
}
