// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('../api', async () => {
  const { clientProxy } = await import('../test-support/client-proxy');
  return {
    api: clientProxy(),
    call: () =>
      Promise.resolve({
        state: 'unsubscribed',
        items: [
          { state: 'withdrawn', source: 'unsubscribe_link', at: '2026-11-20T10:00:00Z' },
          { state: 'granted', source: 'import', at: '2026-10-01T09:00:00Z' },
        ],
      }),
    messageOf: (e: unknown) => String(e),
  };
});

const { ConsentHistory } = await import('./ConsentHistory');
afterEach(cleanup);

describe('ConsentHistory', () => {
  it('says where consent stands and lists each change with its source, newest first', async () => {
    render(<ConsentHistory customerId="c1" />);
    expect((await screen.findByTestId('consent-state')).textContent).toBe('Unsubscribed — gets no marketing emails');
    const items = [...screen.getByRole('list', { name: 'Consent history' }).querySelectorAll('li')].map(
      (li) => li.textContent ?? '',
    );
    expect(items).toHaveLength(2);
    expect(items[0]).toMatch(/^withdrawn via the unsubscribe link in an email/);
    expect(items[1]).toMatch(/^granted via customer import/);
  });
});
