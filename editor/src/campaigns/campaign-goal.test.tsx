// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The card's holders, as `POST /v1/segments/count` answers: 120 (too few for 10% kept back).
vi.mock('../api', async () => {
  const { clientProxy } = await import('../test-support/client-proxy');
  return {
    api: clientProxy(),
    call: () => Promise.resolve({ count: 120, warnings: [] }),
    messageOf: (e: unknown) => String(e),
    ApiFailure: class extends Error {},
  };
});
// The reach and the test send are other tests' (the browser test and CampaignForm.test.tsx).
vi.mock('../shell/session', () => ({ useSession: () => ({ session: { staff: { email: 'anna@brot.example' } } }) }));
vi.mock('./CampaignReach', () => ({ CampaignReach: () => null }));

const { CampaignForm } = await import('./CampaignForm');
const { campaignBody } = await import('./campaign-draft');

afterEach(cleanup);

describe('the campaign form’s goal and hold-out', () => {
  it('reads in words, keeps nobody back by default and sends what the owner chose', async () => {
    const onSubmit = vi.fn();
    render(
      <CampaignForm
        cards={[{ id: 'card-1', name: 'Coffee card' }]}
        merchantName="Café Blume"
        busy={false}
        serverFields={{}}
        serverError={undefined}
        onSubmit={onSubmit}
      />,
    );
    expect(screen.getByText(/days as success/)).toBeTruthy();
    expect(screen.getByLabelText<HTMLInputElement>('Share kept back (%)').value).toBe('0');
    expect(screen.getByText(/not whether the campaign made the difference/)).toBeTruthy();
    expect(screen.queryByText(/too few for/)).toBeNull();

    fireEvent.change(screen.getByLabelText('Success is'), { target: { value: 'stamp' } });
    fireEvent.change(screen.getByLabelText('Days to come back'), { target: { value: '3' } });
    fireEvent.change(screen.getByLabelText('Share kept back (%)'), { target: { value: '10' } });
    await waitFor(() =>
      expect(screen.getByText(/Only about 120 customers would get this: too few for 10% kept back/)).toBeTruthy(),
    );

    fireEvent.change(screen.getByLabelText('Push message'), { target: { value: 'Coffee is waiting' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send campaign' }));
    expect(onSubmit).toHaveBeenCalledOnce();
    expect(campaignBody(onSubmit.mock.calls[0]![0])).toMatchObject({
      goal: { event: 'stamp', withinDays: 3 },
      holdoutPercent: 10,
    });
  });
});
