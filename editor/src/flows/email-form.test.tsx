// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderForm } from './forms/form-harness';

/** Every typed-client call, as its path (e.g. `v1/merchant/settings/$get`). */
const calls: string[] = [];
let settings: () => Promise<unknown>;

vi.mock('../api', async () => {
  const { clientProxy } = await import('../test-support/client-proxy');
  return {
    api: clientProxy(),
    call: ({ path }: { path: string }) => {
      calls.push(path);
      return path === 'v1/merchant/settings/$get' ? settings() : Promise.reject(new Error(`unexpected ${path}`));
    },
    messageOf: (e: unknown) => String(e),
  };
});
const { EmailForm } = await import('./forms/EmailForm');

const answer = (postalAddress: string | null) => ({
  frequencyCap: { push: null, email: null },
  quietHours: null,
  timezone: 'Europe/Berlin',
  postalAddress,
  brandColor: null,
  warnings: postalAddress === null ? ['no_postal_address'] : [],
});
const WARNING =
  "Add your shop's postal address in Settings: it goes in every email's footer (required by anti-spam laws). Emails still go out without it.";

beforeEach(() => {
  calls.length = 0;
});
afterEach(cleanup);

describe('EmailForm', () => {
  it('warns, with a link to Settings, when the merchant has no postal address', async () => {
    settings = () => Promise.resolve(answer(null));
    renderForm(EmailForm, { subject: 'Hi', body: 'Hello' }, {});
    const warning = await screen.findByTestId('postal-address-warning');
    expect(warning.textContent).toBe(WARNING);
    expect(warning.getAttribute('role')).toBe('status');
    expect(screen.getByRole('link', { name: 'Settings' }).getAttribute('href')).toBe('/settings');
    expect(calls).toEqual(['v1/merchant/settings/$get']);
  });

  it('shows no warning once the merchant has an address', async () => {
    settings = () => Promise.resolve(answer('Hafenstraße 1\n20457 Hamburg'));
    renderForm(EmailForm, { subject: 'Hi', body: 'Hello' }, {});
    await waitFor(() => expect(calls).toEqual(['v1/merchant/settings/$get']));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByTestId('postal-address-warning')).toBeNull();
  });

  it('shows no warning when the settings cannot be read, and the form still works', async () => {
    settings = () => Promise.reject(new Error('offline'));
    const form = renderForm(EmailForm, { subject: '', body: '' }, {});
    await waitFor(() => expect(calls.length).toBe(1));
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'Coffee time' } });
    expect(form.last()).toEqual({ subject: 'Coffee time', body: '' });
    expect(screen.queryByTestId('postal-address-warning')).toBeNull();
  });
});
