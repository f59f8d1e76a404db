/**
 * Small hardening: malformed URLs answer 4xx (never 500), tokens in paths never reach the
 * access log, and browser pages carry CSP, frame-ancestors, nosniff and a referrer policy.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/api/app';
import { redactedPath } from '../../server/api/access-log-path';
import { startHarness, type Harness, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
let editor: ReturnType<typeof createApp>;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant();
  const dir = mkdtempSync(join(tmpdir(), 'stampflow-editor-'));
  writeFileSync(join(dir, 'index.html'), '<!DOCTYPE html><title>Stampflow</title>');
  editor = createApp({ db: h.db, launcher: { start: async () => ({ workflowId: '' }) } as never, readiness: async () => true, editorDir: dir });
});
afterAll(async () => h?.close());

describe('malformed URLs', () => {
  it('answers 400 to a path with broken percent-encoding on the editor', async () => {
    const res = await editor.request('/%ff');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_request' } });
  });

  it('answers 404 to removing a suppression whose address decodes to a lone %', async () => {
    // A raw path: the typed client would encode the % that this test sends on purpose.
    const res = await m.sendRaw('DELETE', '/v1/suppressions/%25zz%40example.com', { body: { reason: 'asked us' } });
    expect(res.status).toBe(404);
  });
});

describe('the access log', () => {
  it('redacts wallet, unsubscribe and invitation tokens and PassKit serials', () => {
    const token = 'a'.repeat(64);
    const paths = [`/p/${token}`, `/u/${token}/resubscribe`, `/invite/${token}`, '/wallet/apple/v1/passes/pass.test/SERIAL-123'];
    expect(paths.map(redactedPath)).toEqual([
      '/p/[redacted]',
      '/u/[redacted]/resubscribe',
      '/invite/[redacted]',
      '/wallet/apple/v1/passes/pass.test/[redacted]',
    ]);
    expect(redactedPath('/wallet/apple/v1/devices/d1/registrations/pass.test/S-9')).toBe('/wallet/apple/v1/devices/d1/registrations/pass.test/[redacted]');
    expect(redactedPath('/v1/flows/123')).toBe('/v1/flows/123');
  });
});

describe('security headers', () => {
  it('are on the editor and the customer pages', async () => {
    for (const res of [await editor.request('/flows/x'), await h.app.request(`/p/${'b'.repeat(64)}`), await h.app.request(`/u/${'c'.repeat(40)}`)]) {
      const csp = res.headers.get('Content-Security-Policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(res.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(res.headers.get('Referrer-Policy')).toBe('no-referrer');
    }
  });
});
