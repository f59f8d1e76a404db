/**
 * One merchant's pathological input must not freeze the shared API: while it is being
 * validated, `/healthz` (and so every other merchant) still answers promptly. Proven
 * in-process: a validation that blocked the event loop would hold the health check too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastGraph } from '../support/graphs';
import { read, startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
});
afterAll(async () => h?.close());

/** The margin is wide: the scan takes milliseconds; the former regular expression took minutes. */
const PROMPT_MS = 3_000;

async function timed<T>(work: Promise<T>, started: number): Promise<{ value: T; ms: number }> {
  const value = await work;
  return { value, ms: performance.now() - started };
}

describe('placeholder scanning stays linear', () => {
  const body = `{{${' '.repeat(49_990)}`;

  it('validates a 50,000-character email body of "{{" and spaces while /healthz answers promptly', async () => {
    const graph = broadcastGraph({ email: { subject: 'Hi', body } });
    const started = performance.now();
    const [validated, health] = await Promise.all([
      timed(read(m.api.v1.flows.validate.$post({ json: { graph } })), started),
      timed(h.client().healthz.$get(), started),
    ]);
    expect(validated.value.status).toBe(200);
    // An unclosed `{{` is a broken placeholder: found in one linear pass, answered as a diagnostic.
    expect(validated.value.body.ok).toBe(false);
    expect(validated.value.body.diagnostics).toEqual([expect.objectContaining({ code: 'broken_placeholder' })]);
    expect(health.value.status).toBe(200);
    expect(validated.ms).toBeLessThan(PROMPT_MS);
    expect(health.ms).toBeLessThan(PROMPT_MS);
  });

  it('opens a saved draft with such a body promptly (GET recompiles it)', async () => {
    const graph = broadcastGraph({ email: { subject: 'Hi', body } });
    const created = await read(m.api.v1.flows.$post({ json: { name: 'Spaces', graph } }));
    expect(created.status).toBe(201);
    const started = performance.now();
    const [opened, health] = await Promise.all([
      timed(m.api.v1.flows[':id'].$get({ param: { id: created.body.id } }), started),
      timed(h.client().healthz.$get(), started),
    ]);
    expect(opened.value.status).toBe(200);
    expect(opened.ms).toBeLessThan(PROMPT_MS);
    expect(health.ms).toBeLessThan(PROMPT_MS);
  });

  it('refuses a campaign whose email body is the same pattern (a broken placeholder), promptly', async () => {
    const started = performance.now();
    const [created, health] = await Promise.all([
      timed(m.api.v1.campaigns.$post({ json: { name: 'Spaces', cardId: m.cardId, push: { text: 'Hi' }, email: { subject: 'Hi', body } } }), started),
      timed(h.client().healthz.$get(), started),
    ]);
    expect(created.value.status).toBe(400);
    expect(await created.value.text()).toContain('broken_placeholder');
    expect(created.ms).toBeLessThan(PROMPT_MS);
    expect(health.ms).toBeLessThan(PROMPT_MS);
  });
});
