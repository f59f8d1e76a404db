// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Every typed-client call, as `path` (e.g. `v1/runs/:id/deliveries/$get`) and its arguments. */
interface Request {
  readonly path: string;
  readonly args: { param?: Record<string, string>; query?: Record<string, string | undefined> };
}
const calls: Request[] = [];
let answer: (r: Request) => unknown = () => ({});

const NO_RESULT = {
  goal: { event: 'visit', withinDays: 7 },
  windowEndsAt: null,
  treated: { customers: 0, converted: 0, rate: 0 },
  holdout: null,
  lift: null,
  extra: null,
  verdict: 'no_holdout',
  days: [],
  withinDays: 7,
};

vi.mock('../api', async () => {
  const { clientProxy } = await import('../test-support/client-proxy');
  return {
    api: clientProxy(),
    call: (r: Request) => {
      calls.push(r);
      // The result panel (results/ResultPanel.tsx) has its own tests: here a run with no result yet.
      if (r.path.includes('/results/')) return Promise.resolve(NO_RESULT);
      return Promise.resolve(answer(r));
    },
    messageOf: (e: unknown) => String(e),
  };
});
vi.mock('../flows/FlowView', () => ({
  FlowView: ({ overlay }: { overlay: Record<string, { entered?: number }> }) => (
    <div data-testid="flow-view">{JSON.stringify(overlay)}</div>
  ),
}));

const { RunPage } = await import('./RunPage');

const report = (status: string) => ({
  id: 'r1',
  flowId: 'f1',
  version: 2,
  workflowId: 'run-r1',
  status,
  source: 'api',
  createdAt: '2025-03-03T09:00:00Z',
  startedAt: '2025-03-03T09:00:00Z',
  flowName: 'Spring campaign',
  temporalUrl: 'http://temporal.local/x',
  counts: { members: 12, sent: 9, failed: 1, skipped: 2, suppressed: 0 },
  steps: {
    push: { entered: 12, sent: 9, failed: 1, skipped: 2, suppressed: 0, waiting: 0 },
    wait: { entered: 3, sent: 0, failed: 0, skipped: 0, suppressed: 0, waiting: 3 },
  },
});

/** The answers every test starts from; a test's own `answer` falls back to it. */
const baseAnswer = (r: Request): unknown => {
  if (r.path === 'v1/runs/:id/$get') return report('completed');
  if (r.path === 'v1/flows/:id/versions/:version/$get') return { version: 2, graph: { nodes: [], edges: [] } };
  if (r.path === 'v1/runs/:id/deliveries/$get') return { items: [] };
  if (r.path === 'v1/runs/:id/vouchers/$get') return { items: [] };
  if (r.path === 'v1/held-back/$get') return { since: '2025-02-01T00:00:00Z', days: 30, flows: [] };
  if (r.path === 'v1/runs/:id/nothing-sent/$get') {
    return {
      total: 3,
      groups: [
        { reason: 'no_email', count: 2 },
        { reason: 'frequency_cap', count: 1 },
      ],
    };
  }
  return {};
};

beforeEach(() => {
  calls.length = 0;
  answer = baseAnswer;
});
afterEach(cleanup);

describe('RunPage', () => {
  it('lists why members got nothing, grouped with counts, in words; the codes only under Technical details', async () => {
    render(<RunPage id="r1" />);
    const panel = await screen.findByTestId('nothing-sent');
    await waitFor(() => expect(panel.textContent).toContain('2 have no email address on file'));
    expect(panel.textContent).toContain('1 reached their weekly limit of messages');
    expect(panel.textContent).toContain('3 of 12 customers got no message from this run');
    const technical = panel.querySelector('details');
    expect(technical?.textContent).toContain('frequency_cap');
    technical?.remove();
    expect(panel.textContent).not.toMatch(/no_email|frequency_cap/);
  });

  it('shows the run’s status and totals, with the waiting members summed over the steps', async () => {
    render(<RunPage id="r1" />);
    expect((await screen.findByTestId('run-status')).textContent).toBe('completed');
    expect(screen.getByTestId('run-count-members').textContent).toBe('12');
    expect(screen.getByTestId('run-count-sent').textContent).toBe('9');
    expect(screen.getByTestId('run-count-failed').textContent).toBe('1');
    expect(screen.getByTestId('run-count-skipped').textContent).toBe('2');
    expect(screen.getByTestId('run-count-waiting').textContent).toBe('3');
    expect(screen.getByRole('link', { name: /Open in Temporal UI/ }).getAttribute('href')).toBe(
      'http://temporal.local/x',
    );
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    await waitFor(() =>
      expect(JSON.parse(screen.getByTestId('flow-view').textContent ?? '{}')).toMatchObject({
        push: { entered: 12, sent: 9 },
      }),
    );
  });

  it('lists each wallet device under a push delivery with its answer, and says which was not reached', async () => {
    answer = (r) => {
      if (r.path === 'v1/runs/:id/$get') return report('completed');
      if (r.path === 'v1/flows/:id/versions/:version/$get') return { version: 2, graph: { nodes: [], edges: [] } };
      if (r.path === 'v1/runs/:id/deliveries/$get') {
        return {
          items: [
            {
              customerId: 'c1',
              customerName: 'Ada',
              customerEmail: null,
              nodeId: 'push',
              channel: 'push',
              status: 'sent',
              reason: 'unregistered (apple 0123456789abcdef0123)',
              attempts: 1,
              at: '2025-03-03T09:00:01Z',
              devices: [
                { platform: 'apple', device: 'ffffeeeeddddcccc', status: 'sent', answer: '200', attempts: 2 },
                {
                  platform: 'apple',
                  device: '0123456789abcdef0123',
                  status: 'gone',
                  answer: '410 Unregistered',
                  attempts: 1,
                },
              ],
            },
          ],
        };
      }
      return baseAnswer(r);
    };
    render(<RunPage id="r1" />);
    const devices = await screen.findByRole('list', { name: 'Devices' });
    const rows = [...devices.querySelectorAll('li')].map((li) => li.textContent);
    expect(rows).toEqual(['Apple ffffeeeedddd sent 200 · 2 tries', 'Apple 0123456789ab gone 410 Unregistered']);
    expect(screen.getByText(/The phone removed the card .* Apple device 0123456789ab/)).toBeTruthy();
  });

  it('filters the deliveries by the step chosen in the step table', async () => {
    render(<RunPage id="r1" />);
    await screen.findByTestId('run-status');
    fireEvent.click(screen.getByText('Counts per step as a table'));
    // The test graph has no nodes, so a step reads as its id.
    fireEvent.click(screen.getByRole('button', { name: 'push', hidden: true }));
    await waitFor(() =>
      expect(calls.filter((c) => c.path === 'v1/runs/:id/deliveries/$get').at(-1)?.args.query?.nodeId).toBe('push'),
    );
  });

  it('offers Cancel while the run is running and polls every 2 s until it ends', async () => {
    let status = 'running';
    const base = answer;
    answer = (r) => (r.path === 'v1/runs/:id/$get' ? report(status) : base(r));
    const runCalls = () => calls.filter((c) => c.path === 'v1/runs/:id/$get').length;
    render(<RunPage id="r1" />);
    await screen.findByRole('button', { name: 'Cancel run' });
    status = 'completed';
    await waitFor(() => expect(screen.getByTestId('run-status').textContent).toBe('completed'), { timeout: 3500 });
    expect(screen.queryByRole('button', { name: 'Cancel run' })).toBeNull();
    const after = runCalls();
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(runCalls()).toBe(after);
  }, 10_000);
});
