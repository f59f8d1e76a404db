/**
 * `/flows/:id`: the editor for a flow's draft; `/flows/:id/versions/:version`: a published
 * version on the same canvas, read-only.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { useAction } from '../shell/use-action';
import { api, call } from '../api';
import { ErrorNote } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { useSignedIn } from '../shell/session';
import { FlowEditor } from './FlowEditor';
import { FlowView } from './FlowView';
import { dateTime } from './format';
import { NodePanel } from './NodePanel';
import { useCards } from './use-cards';
import './flows.css';

export function FlowEditorPage({ id }: { id: string }) {
  const flow = useApi(() => call(api.v1.flows[':id'].$get({ param: { id } })), [id]);
  if (flow.error && !flow.data) {
    return (
      <div className="flow-page-message">
        <ErrorNote error={flow.error} />
        <Link href="/flows">Back to your flows</Link>
      </div>
    );
  }
  if (!flow.data) return <div className="flow-editor loading" aria-busy="true" />;
  return (
    <ReactFlowProvider>
      <FlowEditor flow={flow.data} />
    </ReactFlowProvider>
  );
}

export function FlowVersionPage({ id, version }: { id: string; version: number }) {
  const session = useSignedIn();
  const loaded = useApi(
    () =>
      Promise.all([
        call(api.v1.flows[':id'].versions[':version'].$get({ param: { id, version: String(version) } })),
        call(api.v1.flows[':id'].$get({ param: { id } })),
      ]),
    [id, version],
  );
  const { cards } = useCards();
  const [selectedId, setSelectedId] = useState<string>();
  const [, navigate] = useLocation();
  const restoring = useAction();
  /** The version becomes the draft; customers keep the live version until the owner publishes. */
  const restore = async () => {
    await call(api.v1.flows[':id'].versions[':version'].restore.$post({ param: { id, version: String(version) } }));
    navigate(`/flows/${id}`);
  };
  if (loaded.error && !loaded.data) {
    return (
      <div className="flow-page-message">
        <ErrorNote error={loaded.error} />
        <Link href={`/flows/${id}`}>Back to the draft</Link>
      </div>
    );
  }
  if (!loaded.data) return <div className="flow-editor loading" aria-busy="true" />;
  const [snapshot, flow] = loaded.data;
  const selected = snapshot.graph.nodes.find((n) => n.id === selectedId);
  return (
    <div className="flow-editor read-only">
      <div className="version-banner" role="note">
        <span>
          <strong>{flow.name}</strong> · Version {snapshot.version} — read-only · published
          {snapshot.publishedBy ? ` by ${snapshot.publishedBy}` : ''} on {dateTime(snapshot.createdAt)}
        </span>
        <span className="row">
          {snapshot.version !== flow.latestVersion && flow.status !== 'archived' && (
            <button type="button" onClick={() => void restoring.run(restore)} disabled={restoring.busy}>
              {restoring.busy ? 'Restoring…' : 'Use this version as the draft'}
            </button>
          )}
          <Link href={`/flows/${id}`} className="button">
            Back to the draft
          </Link>
        </span>
        <ErrorNote error={restoring.error} />
      </div>
      <div className="flow-editor-main">
        <div className="flow-editor-center">
          <FlowView graph={snapshot.graph} selectedNodeId={selectedId} onSelectNode={setSelectedId} fill />
        </div>
        <aside className={`side-panel${selected ? ' open' : ''}`} aria-label="Details">
          <div className="side-body">
            {selected ? (
              <NodePanel
                id={selected.id}
                type={selected.type}
                data={selected.data}
                problems={[]}
                cards={cards ?? []}
                merchantName={session.merchant.name}
                readOnly
              />
            ) : (
              <div className="side-empty">
                <h2>Select a step to see its settings</h2>
                <p className="hint">
                  This is what version {snapshot.version} does. To change the flow, edit the draft and publish again.
                </p>
              </div>
            )}
          </div>
        </aside>
      </div>
    </div>
  );
}
