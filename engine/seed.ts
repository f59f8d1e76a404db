/**
 * The demo merchant `npm start` creates on an empty database, so the product can be tried
 * at once: "Demo Café" with a coffee card and 25 customers of every kind a flow can tell
 * apart (with and without email or consent, birthdays soon, regulars, lapsed visitors).
 *
 * The API key is stored only as a hash; to print it on every start, the demo key is also
 * kept in plaintext in `<dataDir>/demo-api-key` (a local, embedded-mode convenience).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateApiKey, hashApiKey } from './auth/api-key';
import { importCustomers } from './api/customer-import';
import type { Db } from './db/database';

export interface SeedOptions {
  /** Where `demo-api-key` is written and read. */
  readonly dataDir: string;
}

export interface DemoMerchant {
  readonly merchantId: string;
  readonly apiKey: string;
}

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

async function readStoredKey(db: Db, file: string): Promise<DemoMerchant | null> {
  const apiKey = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (!apiKey) return null;
  const merchant = await db
    .selectFrom('merchants')
    .select('id')
    .where('api_key_hash', '=', hashApiKey(apiKey))
    .executeTakeFirst();
  return merchant ? { merchantId: merchant.id, apiKey } : null;
}

/**
 * Creates the demo merchant when the database has no merchant yet. On later starts it
 * answers the stored demo key (if its merchant still exists), otherwise null.
 *
 * @example
 * const demo = await seedDemo(db, { dataDir: '.data' });
 * if (demo) console.info(`Demo API key: ${demo.apiKey}`);
 */
export async function seedDemo(db: Db, options: SeedOptions): Promise<DemoMerchant | null> {
  const file = join(options.dataDir, 'demo-api-key');
  const existing = await db.selectFrom('merchants').select('id').limit(1).executeTakeFirst();
  if (existing) return readStoredKey(db, file);

  const apiKey = generateApiKey();
  // One transaction: a failed seed leaves no merchant behind, so the next start seeds again.
  const merchantId = await db.transaction().execute(async (trx) => {
    const merchant = await trx
      .insertInto('merchants')
      .values({ name: 'Demo Café', timezone: 'Europe/Berlin', email_from: null, api_key_hash: hashApiKey(apiKey) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const card = await trx
      .insertInto('cards')
      .values({ merchant_id: merchant.id, name: 'Coffee card', stamps_required: 10, reward: 'Free coffee' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const imported = await importCustomers(trx, merchant.id, demoCustomers(card.id));
    if (imported.errors.length > 0) throw new Error(`demo customers invalid: ${JSON.stringify(imported.errors)}`);
    return merchant.id;
  });

  await mkdir(options.dataDir, { recursive: true });
  await writeFile(file, apiKey + '\n', { mode: 0o600 });
  return { merchantId, apiKey };
}
