/**
 * A stranger cannot lock an owner out: failures count per address and client together, so
 * guesses from one client slow down that client only; one client's failures over all
 * addresses are capped; passwords are hashed at today's scrypt cost, older hashes upgraded.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CLIENT_FAILURES } from '../../engine/accounts/sign-in-attempts';
import { SCRYPT_COST } from '../../engine/auth/password';
import { startHarness, type Harness } from './harness';

const PASSWORD = 'correct horse battery staple';
let h: Harness;
beforeAll(async () => {
  // Behind a trusted proxy: X-Forwarded-For names the client.
  h = await startHarness({ trustProxy: true });
});
afterAll(async () => h?.close());

async function owner(): Promise<string> {
  const email = `owner-${randomUUID()}@cafe.example`;
  await h.merchant('Throttle Café', { owner: { email, password: PASSWORD } });
  return email;
}

const signIn = (email: string, password: string, client: string) =>
  h.client({ 'X-Forwarded-For': client }).v1.auth['sign-in'].$post({ json: { email, password } });

describe('sign-in throttling', () => {
  it('keeps the owner signing in from their own client while a stranger guesses their address', async () => {
    const email = await owner();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await signIn(email, `guess ${i}`, '203.0.113.66')).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    expect((await signIn(email, PASSWORD, '198.51.100.7')).status).toBe(200);
  });

  it('slows one client’s repeated failures with a growing wait instead of a fixed lock', async () => {
    const email = await owner();
    const client = '203.0.113.67';
    for (let i = 0; i < 5; i++) await signIn(email, 'wrong', client);
    const first = await signIn(email, 'wrong', client);
    expect(first.status).toBe(429);
    expect(Number(first.headers.get('Retry-After'))).toBeLessThanOrEqual(30);
    // The wait passes: one more try is checked, and the next wait is longer.
    await sql`update sign_in_attempts set at = at - interval '31 seconds' where client = ${client}`.execute(h.db);
    expect((await signIn(email, 'wrong', client)).status).toBe(401);
    const second = await signIn(email, 'wrong', client);
    expect(Number(second.headers.get('Retry-After'))).toBeGreaterThan(30);
    expect(Number(second.headers.get('Retry-After'))).toBeLessThanOrEqual(60);
  });

  it(`caps one client at ${MAX_CLIENT_FAILURES} failures per window over all addresses`, async () => {
    const client = '203.0.113.68';
    // The failures already recorded (one scrypt each would be slow to replay here).
    await h.db
      .insertInto('sign_in_attempts')
      .values(Array.from({ length: MAX_CLIENT_FAILURES }, (_, i) => ({ email: `nobody-${i}@example.com`, client })))
      .execute();
    const res = await signIn(`someone-${randomUUID()}@example.com`, 'x', client);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(800);
    expect((await signIn(await owner(), PASSWORD, '203.0.113.69')).status).toBe(200);
  });
});

describe('password hashing', () => {
  it('stores new hashes at today’s scrypt cost and upgrades an older hash at sign-in', async () => {
    const email = await owner();
    const stored = await h.db.selectFrom('staff').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(new RegExp(`^scrypt\\$${SCRYPT_COST.N}\\$${SCRYPT_COST.r}\\$${SCRYPT_COST.p}\\$`));
    expect(SCRYPT_COST.N * SCRYPT_COST.r * SCRYPT_COST.p).toBeGreaterThanOrEqual(2 ** 14 * 8 * 5); // OWASP's floor

    // A hash of the former format and cost (N=2^14, r=8, p=1) for the same password.
    const { scryptSync } = await import('node:crypto');
    const salt = Buffer.alloc(16, 7);
    const legacy = `scrypt$${salt.toString('hex')}$${scryptSync(PASSWORD.normalize('NFKC'), salt, 64).toString('hex')}`;
    await h.db.updateTable('staff').set({ password_hash: legacy }).where('email', '=', email).execute();
    expect((await signIn(email, PASSWORD, '192.0.2.10')).status).toBe(200);
    const upgraded = await h.db.selectFrom('staff').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow();
    expect(upgraded.password_hash).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect((await signIn(email, PASSWORD, '192.0.2.10')).status).toBe(200);
  });
});
