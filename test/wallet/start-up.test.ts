/**
 * `npm start` with a wallet credential that is missing, unreadable or malformed stops at
 * once, exit code 1, with a message that names the variable — before anything else starts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { appleEnv, TEST_PASS_TYPE_ID } from '../support/certs';
import { createTestDatabase, type TestDatabase } from '../support/database';

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));

let database: TestDatabase;
let dir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'stampflow-start-'));
});
afterAll(async () => {
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `server/main.ts` with `env` until it exits (or 60 s); answers its exit code and stderr. */
function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        STAMPFLOW_DATA_DIR: dir,
        STAMPFLOW_ROLE: 'worker',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`still running after 60 s; stderr:\n${stderr}`));
    }, 60_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

const apple = (overrides: Record<string, string> = {}): Record<string, string> => ({ ...appleEnv(), ...overrides });

describe('a wallet credential that cannot be used stops the start, naming it', () => {
  it('an unreadable pass certificate', async () => {
    const missing = join(dir, 'no-such-cert.pem');
    const { code, stderr } = await start(apple({ APPLE_PASS_CERT: missing }));
    expect(code).toBe(1);
    expect(stderr).toContain('Configuration error: APPLE_PASS_CERT');
    expect(stderr).toContain(missing);
  });

  it('a key that is not a PEM private key', async () => {
    const garbage = join(dir, 'garbage.key');
    writeFileSync(garbage, 'not a key at all\n');
    const { code, stderr } = await start(apple({ APPLE_PASS_KEY: garbage }));
    expect(code).toBe(1);
    expect(stderr).toContain('Configuration error: APPLE_PASS_KEY');
  });

  it('half an Apple configuration', async () => {
    const { code, stderr } = await start({ APPLE_PASS_TYPE_ID: TEST_PASS_TYPE_ID });
    expect(code).toBe(1);
    expect(stderr).toMatch(/Configuration error: .*APPLE_PASS_CERT/);
  });

  it('a Google service account file that is not JSON', async () => {
    const file = join(dir, 'google.json');
    writeFileSync(file, '{ this is not json');
    const { code, stderr } = await start({
      GOOGLE_WALLET_ISSUER_ID: '3388000000012345678',
      GOOGLE_APPLICATION_CREDENTIALS: file,
    });
    expect(code).toBe(1);
    expect(stderr).toContain(`Configuration error: GOOGLE_APPLICATION_CREDENTIALS (${file})`);
  });
});
