/**
 * The flow editor: palette, canvas, side panel (the selected step's form, or the versions),
 * the Problems list under the canvas, and the header with autosave and the flow's actions.
 * Must be rendered inside a ReactFlowProvider.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { Diagnostic } from '../../../engine/compiler';
import { useSignedIn } from '../shell/session';
import { DecorationContext, DecorationStore, FlowMetaContext, type FlowMeta } from './decorations';
import { EditorCanvas } from './EditorCanvas';
import { FlowEditorHeader } from './FlowEditorHeader';
import { NodePanel } from './NodePanel';
import { Palette } from './Palette';
import { ConnectTo } from './ConnectTo';
import { ProblemsList } from './ProblemsList';
import { useAutosave, type SavedFlow } from './use-autosave';
import { useCards, type Card } from './use-cards';
import { useEditorActions } from './use-editor-actions';
import { useFlowDocument } from './use-flow-document';
import { useSelection } from './canvas-store';
import { useFlowLifecycle, type LoadedFlow } from './use-flow-lifecycle';
import { useFlowValidation } from './use-flow-validation';
import { useShortcuts } from './use-shortcuts';
import { VersionsList } from './VersionsList';
import { SendConfirm } from '../sending/SendConfirm';
import { unpublishedWords } from './unpublished-words';
import { useStepResults } from '../results/step-results';
import { NotStartingNote } from './NotStartingNote';
import { HeldBackNote } from '../sending/HeldBackNote';
import './flows.css';

type Tab = 'step' | 'versions';
const NO_CARDS: readonly Card[] = [];

export function FlowEditor({ flow: loaded }: { flow: LoadedFlow }) {
  const session = useSignedIn();
  const document = useFlowDocument(loaded.graph);
  const canvasRef = useRef<HTMLDivElement>(null);
  const actions = useEditorActions(document, canvasRef);
  const [store] = useState(() => new DecorationStore());
  const validation = useFlowValidation(document.doc, store, loaded.diagnostics);
  const [flow, setFlow] = useState(loaded);
  const [name, setName] = useState(loaded.name);
  const [tab, setTab] = useState<Tab>('step');
  const [panelOpen, setPanelOpen] = useState(false);
  const cards = useCards().cards ?? NO_CARDS;

  const { takeServerDiagnostics } = validation;
  const onSaved = useCallback(
    (saved: SavedFlow) => {
      setFlow((f) => ({
        ...f,
        status: saved.status,
        versions: saved.versions,
        latestVersion: saved.latestVersion,
        unpublishedChanges: saved.unpublishedChanges,
        inFlight: saved.inFlight,
      }));
      takeServerDiagnostics(saved.diagnostics, saved.graph);
    },
    [takeServerDiagnostics],
  );
  const autosave = useAutosave(loaded.id, { graph: document.doc, name }, onSaved);
  const onFlow = useCallback(
    (f: LoadedFlow) =>
      setFlow((old) => ({
        ...old,
        status: f.status,
        versions: f.versions,
        latestVersion: f.latestVersion,
        unpublishedChanges: f.unpublishedChanges,
        inFlight: f.inFlight,
        notStarting: f.notStarting,
      })),
    [],
  );
  const onRefused = useCallback(
    (d: Diagnostic[]) => takeServerDiagnostics(d, document.doc),
    [takeServerDiagnostics, document.doc],
  );
  // Read at the moment Publish is pressed: the trigger and status as they are then.
  const sendsNow = useRef({ trigger: undefined as Record<string, unknown> | undefined, status: loaded.status });
  const sendsByItself = useCallback(
    () => sendsOnItsOwn(sendsNow.current.trigger) && sendsNow.current.status !== 'paused',
    [],
  );
  const lifecycle = useFlowLifecycle(loaded.id, { flush: autosave.flush, onFlow, onRefused, sendsByItself });

  const { flush: flushSave } = autosave;
  const onRetrySave = useCallback(() => void flushSave().catch(() => undefined), [flushSave]);
  const onTogglePanel = useCallback(() => setPanelOpen((open) => !open), []);

  useShortcuts({ undo: document.undo, redo: document.redo, copy: actions.copy, paste: actions.paste }, true);

  const selection = useSelection(document);
  const selected = selection.step;
  const selectedId = selected?.id;
  useEffect(() => {
    if (selectedId === undefined) return;
    setTab('step');
    setPanelOpen(true);
  }, [selectedId]);

  const trigger = document.doc.nodes.find((n) => n.type === 'trigger');
  sendsNow.current = { trigger: trigger?.data, status: flow.status };
  const cardId = typeof trigger?.data['cardId'] === 'string' ? trigger.data['cardId'] : undefined;
  const cardNames = useMemo(() => new Map(cards.map((c) => [c.id, c.name])), [cards]);
  const stepResults = useStepResults(flow.id, flow.latestVersion !== null);
  const meta = useMemo<FlowMeta>(
    () => ({ cardNames, cardId, liveCounts: true, flowId: flow.id, ...(flow.latestVersion !== null ? { stepResults } : {}) }),
    [cardNames, cardId, flow.id, flow.latestVersion, stepResults],
  );

  const onPick = useCallback(
    (d: Diagnostic) =>
      d.edgeId !== undefined
        ? actions.focusEdge(d.edgeId)
        : d.nodeId !== undefined
          ? actions.focusNode(d.nodeId)
          : undefined,
    [actions],
  );

  return (
    <DecorationContext.Provider value={store}>
      <FlowMetaContext.Provider value={meta}>
        <div className="flow-editor">
          <FlowEditorHeader
            name={name}
            onName={setName}
            status={flow.status}
            save={autosave.status}
            onRetrySave={onRetrySave}
            canUndo={document.canUndo}
            canRedo={document.canRedo}
            onUndo={document.undo}
            onRedo={document.redo}
            onLayout={actions.autoLayout}
            errorCount={validation.diagnostics.length}
            canRunNow={canRunByHand(trigger?.data) && flow.latestVersion !== null}
            lifecycle={lifecycle}
            onTogglePanel={onTogglePanel}
            changes={unpublishedWords(flow.unpublishedChanges, document.doc.nodes, flow.latestVersion)}
          />
          <NotStartingNote problem={flow.notStarting} />
          {flow.latestVersion !== null && <HeldBackNote flowId={flow.id} />}
          {lifecycle.publishPreview && (
            <SendConfirm
              title={`Publish “${name}”?`}
              note={`Once published, this flow sends by itself ${whenItSends(trigger?.data)}, with no further click. If it ran now:`}
              preview={lifecycle.publishPreview}
              who="customer"
              allowNobody
              confirmLabel="Publish"
              busy={lifecycle.busy === 'confirm-publish'}
              error={lifecycle.error}
              onConfirm={() => void lifecycle.run('confirm-publish')}
              onCancel={lifecycle.dismiss}
            />
          )}
          {lifecycle.runPreview && (
            <SendConfirm
              title={`Run “${name}” now?`}
              preview={lifecycle.runPreview}
              who="customer"
              confirmLabel="Run now"
              busy={lifecycle.busy === 'run'}
              error={lifecycle.error}
              onConfirm={() => void lifecycle.run('run')}
              onCancel={lifecycle.dismiss}
            />
          )}
          <div className="flow-editor-main">
            <Palette onAdd={actions.addNode} hasTrigger={trigger !== undefined} />
            <div className="flow-editor-center">
              <ConnectTo selected={selected} canvas={document} onConnect={actions.connect} />
              <EditorCanvas
                document={document}
                actions={actions}
                invalidEdgeIds={validation.invalidEdgeIds}
                canvasRef={canvasRef}
              />
              <ProblemsList diagnostics={validation.diagnostics} graph={document.doc} onPick={onPick} />
            </div>
            <aside className={`side-panel${panelOpen ? ' open' : ''}`} aria-label="Details">
              <div className="side-tabs" role="tablist">
                <button type="button" role="tab" aria-selected={tab === 'step'} onClick={() => setTab('step')}>
                  Step
                </button>
                <button type="button" role="tab" aria-selected={tab === 'versions'} onClick={() => setTab('versions')}>
                  Versions ({flow.versions.length})
                </button>
                <button
                  type="button"
                  className="side-close"
                  aria-label="Close panel"
                  onClick={() => setPanelOpen(false)}
                >
                  ✕
                </button>
              </div>
              <div className="side-body" role="tabpanel">
                {tab === 'versions' ? (
                  <VersionsList flowId={flow.id} versions={flow.versions} />
                ) : selected ? (
                  <NodePanel
                    key={selected.id}
                    id={selected.id}
                    type={selected.type}
                    data={selected.data}
                    problems={validation.problemsOf(selected.id)}
                    cards={cards}
                    merchantName={session.merchant.name}
                    onChange={actions.updateNodeData}
                    onDelete={actions.deleteNode}
                  />
                ) : (
                  <div className="side-empty">
                    <h2>
                      {selection.count > 1 ? `${selection.count} steps selected` : 'Select a step to edit it'}
                    </h2>
                    <p className="hint">
                      Add steps from the left (click, or drag onto the canvas), then connect an output on the right of a
                      step to the left of the next. Changes are saved as you go; publish when there are no problems.
                    </p>
                    <p className="hint">
                      Shortcuts: Delete removes the selection, C connects the selected step to another, Ctrl/⌘+Z undoes, Ctrl/⌘+C and V copy and paste.
                    </p>
                  </div>
                )}
              </div>
            </aside>
          </div>
        </div>
      </FlowMetaContext.Provider>
    </DecorationContext.Provider>
  );
}

/**
 * Flows a person can start by hand: a broadcast, and every scheduled trigger (the API then
 * runs today's cohort now: today's birthdays, today's lapsed customers, a recurring send).
 * Event flows start from events only.
 */
function canRunByHand(data: Record<string, unknown> | undefined): boolean {
  const kind = data?.['trigger'];
  if (kind === 'broadcast' || kind === 'schedule' || kind === 'birthday' || kind === 'inactive') return true;
  return kind === 'event' && data?.['event'] === 'voucher_expiring';
}

/**
 * Flows that send by themselves once published: the scheduled triggers (a daily birthday or
 * win-back cohort, expiring vouchers, a recurring send). A broadcast waits for "Run now";
 * event flows send one customer at a time as events happen.
 */
function sendsOnItsOwn(data: Record<string, unknown> | undefined): boolean {
  const kind = data?.['trigger'];
  if (kind === 'schedule' || kind === 'birthday' || kind === 'inactive') return true;
  return kind === 'event' && data?.['event'] === 'voucher_expiring';
}

/** "every day at 10:00", "on its schedule". */
function whenItSends(data: Record<string, unknown> | undefined): string {
  if (data?.['trigger'] === 'schedule') return 'on its schedule';
  const at = typeof data?.['at'] === 'string' ? data['at'] : '10:00';
  return `every day at ${at}`;
}
