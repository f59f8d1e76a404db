// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

const calls: { path: string; args: unknown }[] = [];
vi.mock('../api', async () => {
  const { clientProxy } = await import('../test-support/client-proxy');
  return {
    api: clientProxy(),
    call: (r: { path: string; args: unknown }) => {
      calls.push(r);
      return Promise.resolve({ to: 'anna@brot.example', messageId: 'm1', test: true });
    },
    messageOf: (e: unknown) => String(e),
  };
});
vi.mock('../shell/session', () => ({ useSession: () => ({ session: { staff: { email: 'anna@brot.example' } } }) }));

const { TestSend } = await import('./forms/TestSend');
const { FlowMetaContext } = await import('./decorations');
afterEach(cleanup);

describe('TestSend', () => {
  it('sends the step to the signed-in staff member and says so', async () => {
    render(
      <FlowMetaContext.Provider value={{ cardNames: new Map(), liveCounts: true, flowId: 'f1' }}>
        <TestSend nodeId="email" />
      </FlowMetaContext.Provider>,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Send a test to anna@brot.example' }));
    expect((await screen.findByRole('status')).textContent).toBe('Test sent to anna@brot.example.');
    expect(calls).toEqual([
      {
        path: 'v1/flows/:id/test-send/$post',
        args: { param: { id: 'f1' }, json: { nodeId: 'email', to: 'anna@brot.example' } },
      },
    ]);
  });

  it('is not offered outside the editor (no flow)', () => {
    render(<TestSend nodeId="email" />);
    expect(screen.queryByRole('button')).toBeNull();
  });
});
