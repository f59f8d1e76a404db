// @vitest-environment happy-dom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { compileFlow } from '../../../engine/compiler';
import { renderForm } from './forms/form-harness';
import { PushForm } from './forms/PushForm';

afterEach(cleanup);

describe('PushForm', () => {
  it('counts an 18-grapheme text with an emoji as 18/20, as the compiler does', () => {
    renderForm(PushForm, { text: "Coffee's waiting ☕" }, { merchantName: 'Café Nord' });
    const counter = screen.getByTestId('push-counter');
    expect(counter.textContent).toBe('18/20');
    expect(counter.className).not.toContain('over');
  });

  it('counts a flag and a family emoji as one character each', () => {
    renderForm(PushForm, { text: 'Hi 🇫🇷 👨‍👩‍👧' }, { merchantName: 'Café Nord' });
    expect(screen.getByTestId('push-counter').textContent).toBe('6/20');
  });

  it('flags a text over 20 characters in red and emits what is typed', () => {
    const form = renderForm(PushForm, { text: '' }, { merchantName: 'Café Nord' });
    fireEvent.change(screen.getByLabelText(/Message/), { target: { value: 'Your free coffee is ready ☕' } });
    const counter = screen.getByTestId('push-counter');
    expect(counter.textContent).toBe('27/20');
    expect(counter.className).toContain('over');
    expect(form.last()).toEqual({ text: 'Your free coffee is ready ☕' });
  });

  it('agrees with the compiler at the limit: 20 passes, 21 is a problem', () => {
    const twenty = 'Nineteen chars now ☕';
    const graph = (text: string) => ({
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } },
        { id: 'p', type: 'push', position: { x: 1, y: 0 }, data: { text } },
      ],
      edges: [{ id: 'e', source: 't', target: 'p' }],
    });
    renderForm(PushForm, { text: twenty }, { merchantName: 'Café Nord' });
    expect(screen.getByTestId('push-counter').textContent).toBe('20/20');
    expect(compileFlow(graph(twenty)).ok).toBe(true);
    expect(compileFlow(graph(`${twenty}!`)).ok).toBe(false);
  });

  it('shows the message on a lock screen titled with the merchant name', () => {
    renderForm(PushForm, { text: 'We miss you! ☕' }, { merchantName: 'Café Nord' });
    const lock = screen.getByRole('figure', { name: /Lock screen preview: We miss you! ☕/ });
    expect(lock.textContent).toContain('Café Nord');
  });

  it('shows the compiler message under the field', () => {
    renderForm(PushForm, { text: '' }, { merchantName: 'Café Nord' }, [
      { nodeId: 'p', field: 'text', code: 'invalid_value', message: 'Push text is empty.' },
    ]);
    expect(screen.getByText('Push text is empty.')).toBeTruthy();
    expect(screen.getByLabelText(/Message/).getAttribute('aria-invalid')).toBe('true');
  });

  it('shows the nearby text on the lock screen beside the push, and drops its dates with it', () => {
    const form = renderForm(PushForm, { text: 'Happy hour!' }, { merchantName: 'Café Nord' });
    expect(screen.queryByTestId('lockscreen-nearby')).toBeNull();
    fireEvent.change(screen.getByLabelText(/near the shop/), { target: { value: 'Free coffee waiting ☕' } });
    expect(screen.getByTestId('lockscreen-nearby').textContent).toContain('Free coffee waiting ☕');
    expect(screen.getByRole('figure', { name: /Happy hour!; near your shop: Free coffee waiting ☕/ })).toBeTruthy();
    expect(screen.getByTestId('nearby-counter').textContent).toBe('21/20');
    fireEvent.change(screen.getByLabelText(/Nearby until/), { target: { value: '2030-06-03T17:00' } });
    expect(form.last()).toMatchObject({ nearbyText: 'Free coffee waiting ☕', nearbyUntil: expect.stringMatching(/^2030-06-03T/) });
    fireEvent.change(screen.getByLabelText(/near the shop/), { target: { value: '' } });
    expect(form.last()).toEqual({ text: 'Happy hour!' });
  });

  it('inserts a placeholder from the list at the cursor of the longer version', () => {
    const form = renderForm(PushForm, { text: 'Hi', messageText: 'Hello , see you' }, { merchantName: 'Café Nord' });
    const long = screen.getByLabelText(/Longer version/) as HTMLTextAreaElement;
    long.setSelectionRange(6, 6);
    const list = screen.getByRole('group', { name: /longer version/ });
    fireEvent.click(within(list).getByRole('button', { name: 'Customer’s name' }));
    expect(form.last()).toEqual({ text: 'Hi', messageText: 'Hello {{customer.name}}, see you' });
  });

  it('shows a broken placeholder in the longer version as the compiler says it', () => {
    const graph = {
      nodes: [
        { id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } },
        { id: 'p', type: 'push', position: { x: 1, y: 0 }, data: { text: 'Hi', messageText: 'Hi {{customer.name' } },
      ],
      edges: [{ id: 'e', source: 't', target: 'p' }],
    };
    const compiled = compileFlow(graph);
    const problems = compiled.ok ? [] : compiled.diagnostics.filter((d) => d.field === 'messageText');
    expect(problems.map((d) => d.code)).toEqual(['broken_placeholder']);
    renderForm(PushForm, { text: 'Hi', messageText: 'Hi {{customer.name' }, { merchantName: 'Café Nord' }, problems);
    expect(screen.getByLabelText(/Longer version/).getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/not a complete placeholder/)).toBeTruthy();
  });
});
