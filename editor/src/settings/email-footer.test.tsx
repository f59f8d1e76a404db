// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** Every typed-client call, as its path (e.g. `v1/merchant/settings/$put`) and its arguments. */
interface Request {
  readonly path: string;
  readonly args: { json?: Record<string, unknown> };
}
const calls: Request[] = [];
let stored: { postalAddress: string | null; brandColor: string | null };

vi.mock('../api', async () => {
  const { clientProxy } = await import('../test-support/client-proxy');
  return {
    api: clientProxy(),
    call: (r: Request) => {
      calls.push(r);
      if (r.path === 'v1/merchant/settings/$put') stored = { ...stored, ...r.args.json };
      return Promise.resolve({
        ...stored,
        warnings: stored.postalAddress === null ? ['no_postal_address'] : [],
      });
    },
    messageOf: (e: unknown) => String(e),
  };
});
const { EmailFooterSection } = await import('./EmailFooterSection');

beforeEach(() => {
  calls.length = 0;
  stored = { postalAddress: null, brandColor: null };
});
afterEach(cleanup);

describe('EmailFooterSection', () => {
  it('saves a trimmed postal address and a brand colour through PUT /v1/merchant/settings', async () => {
    render(<EmailFooterSection />);
    const address = await screen.findByLabelText<HTMLTextAreaElement>('Postal address');
    await waitFor(() => expect(address.disabled).toBe(false));
    const save = screen.getByRole<HTMLButtonElement>('button', { name: 'Save email footer' });
    expect(save.disabled).toBe(true);

    fireEvent.change(address, { target: { value: '  Café Nord\nHafenstraße 1 \n' } });
    fireEvent.change(screen.getByLabelText('Brand colour'), { target: { value: '#0A7C59' } });
    fireEvent.click(save);

    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(calls.at(-1)).toEqual({
      path: 'v1/merchant/settings/$put',
      args: { json: { postalAddress: 'Café Nord\nHafenstraße 1', brandColor: '#0a7c59' } },
    });
    expect(address.value).toBe('Café Nord\nHafenstraße 1');
  });

  it('clears the address with an empty field and the colour with “Use the default”', async () => {
    stored = { postalAddress: 'Main St 1', brandColor: '#112233' };
    render(<EmailFooterSection />);
    const address = await screen.findByLabelText<HTMLTextAreaElement>('Postal address');
    await waitFor(() => expect(address.value).toBe('Main St 1'));
    fireEvent.change(address, { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Use the default' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save email footer' }));
    await screen.findByText('Saved.');
    expect(calls.at(-1)?.args.json).toEqual({ postalAddress: null, brandColor: null });
  });
});
