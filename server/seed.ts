/**
 * The demo merchant `npm start` creates on an empty database, so the product can be tried
 * at once: "Demo Café" with a coffee card and 25 customers of every kind a flow can tell
 * apart (with and without email or consent, birthdays soon, regulars, lapsed visitors), and
 * a past win-back run over 300 lapsed regulars with a hold-out (`seed-results.ts`).
 *
 * The API key and the demo owner's password are stored only as hashes; to print them on every
 * start they are also kept in plaintext in `<dataDir>/demo-api-key` and `<dataDir>/demo-login`
 * (mode 0600; a local, embedded-mode convenience).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashApiKey } from '../engine/auth/api-key';
import { hashPassword, verifyPassword } from '../engine/auth/password';
import { importCustomers } from '../engine/customers/import';
import type { Db } from '../engine/db/database';
import { createMerchant } from '../engine/merchants/create-merchant';
import { seedResultsHistory } from './seed-results';

export interface SeedOptions {
  /** Where `demo-api-key` and `demo-login` are written and read. */
  readonly dataDir: string;
}

/** The demo owner's credentials for signing in to the editor. */
export interface DemoLogin {
  readonly email: string;
  readonly password: string;
}

export interface DemoMerchant {
  readonly merchantId: string;
  readonly apiKey: string;
  /** Null when the demo owner's password is not known here (its file was removed). */
  readonly login: DemoLogin | null;
}

export const DEMO_OWNER_EMAIL = 'owner@demo.stampflow.dev';

const FIRST = [
  'Anna',
  'Ben',
  'Clara',
  'David',
  'Elif',
  'Finn',
  'Greta',
  'Hugo',
  'Ida',
  'Jonas',
  'Katya',
  'Luca',
  'Mia',
];
const LAST = ['Weber', 'Schulz', 'Novak', 'Rossi', 'Yılmaz', 'Becker', 'Dubois', 'Kowalski', 'Lindqvist'];
const DAY = 86_400_000;

/** "Yılmaz" → "ylmaz": email local parts stay plain ASCII. */
const slug = (name: string) =>
  name
    .normalize('NFD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

/** The demo customers, relative to `now` so birthday and win-back flows always find someone. */
export function demoCustomers(cardId: string, now = new Date()): Record<string, unknown>[] {
  return Array.from({ length: 25 }, (_, i) => {
    const first = FIRST[i % FIRST.length] ?? 'Alex';
    const last = LAST[(i * 5) % LAST.length] ?? 'Meyer';
    const hasEmail = i % 6 !== 5;
    const birthdayDate = new Date(now.getTime() + ((i * 11) % 60) * DAY);
    const md = `${String(birthdayDate.getUTCMonth() + 1).padStart(2, '0')}-${String(birthdayDate.getUTCDate()).padStart(2, '0')}`;
    const daysSinceVisit = [1, 3, 8, 15, 35, 70, 120][i % 7] ?? 1;
    return {
      externalId: `demo-${String(i + 1).padStart(2, '0')}`,
      name: `${first} ${last}`,
      ...(hasEmail ? { email: `${slug(first)}.${slug(last)}.${i + 1}@example.com` } : {}),
      emailConsent: hasEmail && i % 4 !== 3,
      // Odd years are never leap years, so a Feb 29 birthday goes without a year.
      ...(i % 3 === 2 ? {} : { birthday: i % 2 === 0 && md !== '02-29' ? `${1975 + i}-${md}` : md }),
      cardId,
      stamps: (i * 3) % 11,
      joinedAt: new Date(now.getTime() - (200 - i * 6) * DAY).toISOString(),
      ...(i % 8 === 7 ? {} : { lastVisitAt: new Date(now.getTime() - daysSinceVisit * DAY).toISOString() }),
    };
  });
}

async function readStoredKey(db: Db, file: string): Promise<{ merchantId: string; apiKey: string } | null> {
  const apiKey = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (!apiKey) return null;
  const key = await db
    .selectFrom('api_keys')
    .select('merchant_id')
    .where('key_hash', '=', hashApiKey(apiKey))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return key ? { merchantId: key.merchant_id, apiKey } : null;
}

const newPassword = () => randomBytes(12).toString('base64url');

async function writeSecret(dataDir: string, name: string, content: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  await writeFile(join(dataDir, name), content + '\n', { mode: 0o600 });
}

/**
 * The stored demo login if it still signs in. A demo merchant seeded before staff logins
 * existed gets its owner now; one whose owner's password is lost gets none.
 */
async function demoLogin(db: Db, merchantId: string, dataDir: string): Promise<DemoLogin | null> {
  const [email, password] = (await readFile(join(dataDir, 'demo-login'), 'utf8').catch(() => '')).trim().split('\n');
  const owner = await db.selectFrom('staff').selectAll().where('email', '=', DEMO_OWNER_EMAIL).executeTakeFirst();
  if (owner) {
    const known = owner.merchant_id === merchantId && email === DEMO_OWNER_EMAIL && password !== undefined;
    return known && (await verifyPassword(password, owner.password_hash)) ? { email, password } : null;
  }
  const login = { email: DEMO_OWNER_EMAIL, password: newPassword() };
  const passwordHash = await hashPassword(login.password);
  await db
    .insertInto('staff')
    .values({ merchant_id: merchantId, email: login.email, password_hash: passwordHash, role: 'owner' })
    .execute();
  await writeSecret(dataDir, 'demo-login', `${login.email}\n${login.password}`);
  return login;
}

/**
 * Creates the demo merchant, with its owner, when the database has no merchant yet. On later
 * starts it answers the stored demo key and login (if its merchant still exists), otherwise null.
 *
 * @example
 * const demo = await seedDemo(db, { dataDir: '.data' });
 * if (demo) console.info(`Demo API key: ${demo.apiKey}`);
 */
export async function seedDemo(db: Db, options: SeedOptions): Promise<DemoMerchant | null> {
  const existing = await db.selectFrom('merchants').select('id').limit(1).executeTakeFirst();
  if (existing) {
    const stored = await readStoredKey(db, join(options.dataDir, 'demo-api-key'));
    return stored ? { ...stored, login: await demoLogin(db, stored.merchantId, options.dataDir) } : null;
  }

  const login = { email: DEMO_OWNER_EMAIL, password: newPassword() };
  const owner = { email: login.email, passwordHash: await hashPassword(login.password) };
  // One transaction: a failed seed leaves no merchant behind, so the next start seeds again.
  const { merchantId, apiKey } = await db.transaction().execute(async (trx) => {
    const created = await createMerchant(trx, { name: 'Demo Café', timezone: 'Europe/Berlin', emailFrom: null, owner });
    const card = await trx
      .insertInto('cards')
      .values({ merchant_id: created.merchantId, name: 'Coffee card', stamps_required: 10, reward: 'Free coffee' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const imported = await importCustomers(trx, created.merchantId, demoCustomers(card.id));
    if (imported.errors.length > 0) throw new Error(`demo customers invalid: ${JSON.stringify(imported.errors)}`);
    // A past win-back with a hold-out and the visits after it: results to see on day one.
    await seedResultsHistory(trx, created.merchantId, card.id);
    return created;
  });

  await writeSecret(options.dataDir, 'demo-api-key', apiKey);
  await writeSecret(options.dataDir, 'demo-login', `${login.email}\n${login.password}`);
  return { merchantId, apiKey, login };
}
