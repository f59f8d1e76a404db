import { describe, expect, it } from 'vitest';
import { compileFlow } from './compiler';
import { findBrokenPlaceholders } from './text';

const trigger = (data: object = { trigger: 'broadcast' }) => ({ id: 't', type: 'trigger', position: { x: 0, y: 0 }, data });
const node = (id: string, type: string, data: object) => ({ id, type, position: { x: 0, y: 0 }, data });
const edge = (source: string, target: string, sourceHandle: string | null = null) => ({
  id: `e-${source}-${sourceHandle ?? 'next'}-${target}`,
  source,
  target,
  sourceHandle,
});
const email = (id: string, body: string, subject = 'Hello') => node(id, 'email', { subject, body });
const voucher = (id: string) => node(id, 'voucher', { title: 'Free coffee', validDays: 14 });
const segment = (id: string) => node(id, 'segment', { match: 'all', conditions: [{ field: 'stamps', op: 'gte', value: 3 }] });

describe('findBrokenPlaceholders', () => {
  it('finds an unclosed {{ and names the placeholder meant', () => {
    expect(findBrokenPlaceholders('Hi {{customer.name, see you')).toEqual([
      { start: 3, written: '{{customer.name,', meant: 'customer.name' },
    ]);
  });

  it('finds a placeholder closed with one brace and one opened with one brace', () => {
    expect(findBrokenPlaceholders('Hi {{customer.name} and {stampsLeft}}').map((b) => b.meant)).toEqual([
      'customer.name',
      'stampsLeft',
    ]);
  });

  it('finds {{ at the very end', () => {
    expect(findBrokenPlaceholders('Code: {{')).toEqual([{ start: 6, written: '{{', meant: undefined }]);
  });

  it('accepts complete placeholders, single braces and text without braces', () => {
    expect(findBrokenPlaceholders('Hi {{customer.name}}, {{ stampsLeft }} {to go} :-}')).toEqual([]);
  });

  it('stays linear on thousands of open braces', () => {
    const started = performance.now();
    expect(findBrokenPlaceholders('{{ '.repeat(20_000)).length).toBe(20_000);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('broken placeholders are diagnostics', () => {
  it('reports an unclosed {{ in an email body on its node and field', () => {
    const result = compileFlow({ nodes: [trigger(), email('mail', 'Hi {{customer.name')], edges: [edge('t', 'mail')] });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ nodeId: 'mail', field: 'body', code: 'broken_placeholder', message: expect.stringContaining('{{customer.name}}') }),
    ]);
  });

  it('reports a broken placeholder in a subject and in a push long text', () => {
    const result = compileFlow({
      nodes: [trigger(), email('mail', 'Hi', 'Hi customer.name}}'), node('p', 'push', { text: 'Hi', messageText: 'Stamps: {{stampsLeft' })],
      edges: [edge('t', 'mail'), edge('mail', 'p')],
    });
    expect(result.diagnostics.map((d) => [d.nodeId, d.field, d.code])).toEqual([
      ['mail', 'subject', 'broken_placeholder'],
      ['p', 'messageText', 'broken_placeholder'],
    ]);
  });
});

describe('voucher placeholders need a voucher before them', () => {
  const CODE = 'Show {{voucher.code}} before {{ voucher.expiresOn }}.';

  it('reports {{voucher.code}} in a flow without a voucher step', () => {
    const result = compileFlow({ nodes: [trigger(), email('mail', CODE)], edges: [edge('t', 'mail')] });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ nodeId: 'mail', field: 'body', code: 'voucher_placeholder_without_voucher' }),
    ]);
  });

  it('accepts it after a voucher step', () => {
    const result = compileFlow({ nodes: [trigger(), voucher('v'), email('mail', CODE)], edges: [edge('t', 'v'), edge('v', 'mail')] });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it('reports it when one branch reaches the email without the voucher', () => {
    const nodes = [trigger(), segment('s'), voucher('v'), email('mail', 'Hi', 'Code {{voucher.code}}')];
    const edges = [edge('t', 's'), edge('s', 'v', 'match'), edge('v', 'mail'), edge('s', 'mail', 'else')];
    expect(compileFlow({ nodes, edges }).diagnostics).toEqual([
      expect.objectContaining({ nodeId: 'mail', field: 'subject', code: 'voucher_placeholder_without_voucher' }),
    ]);
    // Through the voucher on both branches it is fine.
    const both = [...edges.slice(0, 3), edge('s', 'v', 'else')];
    expect(compileFlow({ nodes, edges: both }).ok).toBe(true);
  });

  it('reports a voucher that comes only after the message', () => {
    const result = compileFlow({ nodes: [trigger(), email('mail', CODE), voucher('v')], edges: [edge('t', 'mail'), edge('mail', 'v')] });
    expect(result.diagnostics.map((d) => d.code)).toEqual(['voucher_placeholder_without_voucher']);
  });

  it('accepts it in a reminder started by an expiring voucher, which the customer holds', () => {
    const result = compileFlow({
      nodes: [trigger({ trigger: 'event', event: 'voucher_expiring' }), email('mail', CODE)],
      edges: [edge('t', 'mail')],
    });
    expect(result.ok).toBe(true);
  });
});
