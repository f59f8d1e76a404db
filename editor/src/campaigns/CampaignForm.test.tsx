// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The email section asks the settings for the postal-address warning: a shop without one.
vi.mock('../api', async () => {
  const { clientProxy } = await import('../test-support/client-proxy');
  return {
    api: clientProxy(),
    call: () => Promise.resolve({ warnings: ['no_postal_address'] }),
    messageOf: (e: unknown) => String(e),
    ApiFailure: class extends Error {},
  };
});
// The test send offers the signed-in owner's address; the reach is the API's (tested in the browser).
vi.mock('../shell/session', () => ({ useSession: () => ({ session: { staff: { email: 'anna@brot.example' } } }) }));
vi.mock('./CampaignReach', () => ({ CampaignReach: () => null }));

const { CampaignForm } = await import('./CampaignForm');

const CARDS = [{ id: 'card-1', name: 'Coffee card' }];

function renderForm(onSubmit = vi.fn()) {
  render(
    <CampaignForm
      cards={CARDS}
      merchantName="Café Blume"
      busy={false}
      serverFields={{}}
      serverError={undefined}
      onSubmit={onSubmit}
      now={new Date(2025, 2, 3, 9, 5)}
    />,
  );
  return {
    push: screen.getByLabelText('Push message'),
    counter: screen.getByTestId('push-counter'),
    submit: screen.getByRole('button', { name: 'Send campaign' }),
    onSubmit,
  };
}

afterEach(cleanup);

describe('CampaignForm', () => {
  it('prefills the name with the card id and the time the form opened', () => {
    renderForm();
    expect(screen.getByLabelText<HTMLInputElement>('Name').value).toBe('Coffee card · 3 Mar 09:05');
  });

  it('counts the push text in graphemes as the compiler does: an emoji is one', () => {
    const { push, counter } = renderForm();
    fireEvent.change(push, { target: { value: "Coffee's waiting ☕" } });
    expect(counter.textContent).toBe('18/20');
    fireEvent.change(push, { target: { value: '👨‍👩‍👧‍👦🇩🇪é' } });
    expect(counter.textContent).toBe('3/20');
  });

  it('enables "Send campaign" at exactly 20 graphemes', () => {
    const { push, counter, submit } = renderForm();
    expect(submit).toHaveProperty('disabled', true);
    fireEvent.change(push, { target: { value: 'a'.repeat(19) + '☕' } });
    expect(counter.textContent).toBe('20/20');
    expect(counter.className).not.toContain('counter-over');
    expect(submit).toHaveProperty('disabled', false);
  });

  it('turns the counter red and disables submit over 20 graphemes, saying how many to remove', () => {
    const { push, counter, submit, onSubmit } = renderForm();
    fireEvent.change(push, { target: { value: 'Free coffee for you today ☕' } });
    expect(counter.textContent).toBe('27/20');
    expect(counter.className).toContain('counter-over');
    expect(push.getAttribute('aria-invalid')).toBe('true');
    expect(submit).toHaveProperty('disabled', true);
    expect(screen.getByRole('alert').textContent).toContain('Remove 7');
    fireEvent.submit(submit.closest('form')!);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('reveals the voucher fields and the email fields, and requires them once shown', () => {
    const { push, submit } = renderForm();
    fireEvent.change(push, { target: { value: 'Hello ☕' } });
    expect(submit).toHaveProperty('disabled', false);
    fireEvent.click(screen.getByRole('button', { name: '+ ADD VOUCHER' }));
    expect(submit).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText('Voucher title'), { target: { value: 'Free coffee' } });
    expect(submit).toHaveProperty('disabled', false);
    fireEvent.click(screen.getByLabelText('Also send via Email'));
    expect(submit).toHaveProperty('disabled', true);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'A coffee on us' } });
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'Hi {{customer.name}}' } });
    expect(submit).toHaveProperty('disabled', false);
  });

  it('warns in the email section while the shop has no postal address, without blocking the send', async () => {
    const { submit } = renderForm();
    fireEvent.change(screen.getByLabelText('Push message'), { target: { value: 'Hi' } });
    fireEvent.click(screen.getByLabelText('Also send via Email'));
    expect((await screen.findByTestId('postal-address-warning')).textContent).toMatch(/postal address in Settings/);
    fireEvent.change(screen.getByLabelText('Subject'), { target: { value: 'A coffee on us' } });
    fireEvent.change(screen.getByLabelText('Text'), { target: { value: 'Hi' } });
    expect(submit).toHaveProperty('disabled', false);
  });

  it('inserts placeholders into the longer version from the list; a broken one blocks the send, said on the field', () => {
    const { push, submit } = renderForm();
    fireEvent.change(push, { target: { value: 'Hi' } });
    const long = screen.getByLabelText<HTMLTextAreaElement>('Longer version for the card page');
    fireEvent.change(long, { target: { value: 'Hello , see you' } });
    long.setSelectionRange(6, 6);
    const list = screen.getByRole('group', { name: 'Insert a customer’s details into the longer version' });
    fireEvent.click(within(list).getByRole('button', { name: 'Customer’s name' }));
    expect(long.value).toBe('Hello {{customer.name}}, see you');
    expect(submit).toHaveProperty('disabled', false);

    fireEvent.change(long, { target: { value: 'Hello {{customer.name, see you' } });
    expect(submit).toHaveProperty('disabled', true);
    fireEvent.blur(long);
    expect(long.getAttribute('aria-invalid')).toBe('true');
    const said = (long.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent);
    expect(said.join(' ')).toMatch(/is not a complete placeholder and would be sent as written/);
  });

  it('shows a server error on the field it names', () => {
    render(
      <CampaignForm
        cards={CARDS}
        merchantName="Café Blume"
        busy={false}
        serverFields={{ 'push.text': 'Push text is 21 characters; the wallet shows at most 20.' }}
        serverError={undefined}
        onSubmit={vi.fn()}
      />,
    );
    expect(screen.getByText('Push text is 21 characters; the wallet shows at most 20.')).toBeTruthy();
  });
});
