import { describe, expect, it } from 'vitest';
import { compileFlow } from './compiler';
import { sampleFlow } from './sample-flow';
import { GRAPH_MAX_BYTES, PLAN_MAX_BYTES, utf8Length } from './size-budget';

/** trigger → `emails` email steps in a row, each body `bodyLength` characters long. */
function emailChain(emails: number, bodyLength: number) {
  const nodes = [{ id: 't', type: 'trigger', position: { x: 0, y: 0 }, data: { trigger: 'broadcast' } }];
  const edges = [];
  for (let i = 0; i < emails; i++) {
    const body = `Hello {{customer.name}} ${'a'.repeat(bodyLength - 24)}`;
    nodes.push({ id: `e${i}`, type: 'email', position: { x: 0, y: i + 1 }, data: { subject: `News ${i}`, body } } as never);
    edges.push({ id: `x${i}`, source: i === 0 ? 't' : `e${i - 1}`, target: `e${i}` });
  }
  return { nodes, edges };
}

describe('the size budget', () => {
  it('refuses the 2.2 MB broadcast of 45 full-length emails, naming its size and the limit', () => {
    const result = compileFlow(emailChain(45, 50_000));
    expect(result.ok).toBe(false);
    expect('plan' in result).toBe(false);
    expect(result.diagnostics).toEqual([
      { code: 'too_large', message: 'This flow is 2.2 MB; a flow can be at most 768 KB. Shorten its emails or split it into several flows.' },
    ]);
  });

  it('refuses a plan over its budget even when the graph fits', () => {
    const result = compileFlow(emailChain(10, 45_000));
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'too_large', message: expect.stringContaining('at most 384 KB') })]);
  });

  it('lets the largest flows people draw through: 2,000 nodes, and a few long emails', () => {
    expect(compileFlow(sampleFlow(2_000)).ok).toBe(true);
    expect(compileFlow(emailChain(5, 50_000)).ok).toBe(true);
  });

  it('stays far below Temporal’s 2 MB payload limit', () => {
    expect(GRAPH_MAX_BYTES).toBeLessThan(1024 * 1024);
    expect(PLAN_MAX_BYTES * 4).toBeLessThan(2 * 1024 * 1024);
  });

  it('counts bytes as UTF-8 does', () => {
    for (const text of ['', 'abc', 'café', '☕', '👨‍👩‍👧', '\ud800']) {
      expect(utf8Length(text), text).toBe(Buffer.byteLength(text, 'utf8'));
    }
  });
});
