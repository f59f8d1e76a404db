/** `/flows/new`: name the flow and start from a blank canvas or a template. */
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { FlowGraph } from '../../../engine/compiler';
import { api, call, messageOf } from '../api';
import { ErrorNote, PageHeader } from '../shell/Layout';
import { summaryLines } from './node-summary';
import { BLANK_GRAPH, TEMPLATES, type FlowTemplate } from './templates';
import './flows.css';

const BLANK: FlowTemplate = {
  id: 'blank',
  name: 'Blank canvas',
  icon: '✏️',
  description: 'Start with a trigger and add the steps yourself.',
  graph: BLANK_GRAPH,
};

/** "Birthday · 3 days before → Voucher → Push → Email" */
function outline(graph: FlowGraph): string {
  const kinds = graph.nodes.map((n) =>
    n.type === 'trigger' ? (summaryLines(n.type, n.data)[0] ?? 'Trigger') : n.type[0]!.toUpperCase() + n.type.slice(1),
  );
  return kinds.join(' → ');
}

export function NewFlowPage() {
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [creating, setCreating] = useState<string>();
  const [error, setError] = useState<string>();

  async function create(template: FlowTemplate) {
    setCreating(template.id);
    setError(undefined);
    try {
      const flowName = name.trim() || (template.id === 'blank' ? 'Untitled flow' : template.name);
      const created = await call(api.v1.flows.$post({ json: { name: flowName, graph: template.graph } }));
      navigate(`/flows/${created.id}`);
    } catch (err) {
      setError(messageOf(err));
      setCreating(undefined);
    }
  }

  return (
    <div className="new-flow">
      <PageHeader title="New flow">
        <Link href="/flows" className="button">
          Cancel
        </Link>
      </PageHeader>
      <label className="new-flow-name">
        Name
        <input
          value={name}
          maxLength={200}
          placeholder="e.g. Birthday treat"
          onChange={(e) => setName(e.target.value)}
          autoFocus
        />
        <span className="field-hint">Leave it empty to use the template's name; you can change it later.</span>
      </label>
      <h2 className="new-flow-heading">Start from</h2>
      <ErrorNote error={error} />
      <ul className="template-grid">
        {[BLANK, ...TEMPLATES].map((t) => (
          <li key={t.id}>
            <button
              type="button"
              className="template-card"
              onClick={() => void create(t)}
              disabled={creating !== undefined}
              aria-busy={creating === t.id}
            >
              <span className="template-icon" aria-hidden="true">
                {t.icon}
              </span>
              <strong>{t.name}</strong>
              <span className="template-description">{t.description}</span>
              <span className="template-outline">{outline(t.graph)}</span>
              <span className="template-cta">{creating === t.id ? 'Creating…' : 'Use this'}</span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
