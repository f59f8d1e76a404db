/**
 * Staff passwords, hashed with scrypt from node:crypto and stored as
 * `scrypt$<N>$<r>$<p>$<salt hex>$<hash hex>`, so the cost can rise without ambiguity. The
 * cost follows OWASP's password storage guidance (N=2^15, r=8, p=3: 32 MiB, one of its
 * equivalent scrypt settings). Hashes from before, `scrypt$<salt>$<hash>` at N=2^14, r=8,
 * p=1, still verify and are upgraded at the next sign-in ({@link needsRehash}).
 */
import { randomBytes, scrypt, timingSafeEqual, type BinaryLike } from 'node:crypto';

const KEY_LENGTH = 64;

interface Cost {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

/** Today's cost. */
export const SCRYPT_COST: Cost = { N: 2 ** 15, r: 8, p: 3 };
/** The cost of hashes written before the cost was part of the format. */
const LEGACY_COST: Cost = { N: 2 ** 14, r: 8, p: 1 };

function derive(password: BinaryLike, salt: Buffer, cost: Cost): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node refuses above `maxmem` (32 MiB by default).
  const maxmem = 128 * cost.N * cost.r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(password, salt, KEY_LENGTH, { ...cost, maxmem }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Hashes a password with a fresh 16-byte salt at today's cost. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password.normalize('NFKC'), salt, SCRYPT_COST);
  const { N, r, p } = SCRYPT_COST;
  return `scrypt$${N}$${r}$${p}$${salt.toString('hex')}$${key.toString('hex')}`;
}

/** A hash at today's cost that no password matches: checked for unknown addresses, so they cost the same. */
export const UNMATCHABLE_HASH = `scrypt$${SCRYPT_COST.N}$${SCRYPT_COST.r}$${SCRYPT_COST.p}$${'0'.repeat(32)}$${'0'.repeat(128)}`;

function parse(stored: string): { cost: Cost; salt: string; hash: string } | undefined {
  const parts = stored.split('$');
  if (parts[0] !== 'scrypt') return undefined;
  if (parts.length === 3) return { cost: LEGACY_COST, salt: parts[1] ?? '', hash: parts[2] ?? '' };
  if (parts.length !== 6) return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  // Bounds keep a corrupted row from asking for gigabytes.
  if (!(N >= 2 ** 10 && N <= 2 ** 17 && (N & (N - 1)) === 0 && r >= 1 && r <= 16 && p >= 1 && p <= 16)) return undefined;
  return { cost: { N, r, p }, salt: parts[4] ?? '', hash: parts[5] ?? '' };
}

/** True when `password` matches a hash made by {@link hashPassword} (at any cost it ever used). */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || !parsed.salt || !parsed.hash) return false;
  const expected = Buffer.from(parsed.hash, 'hex');
  if (expected.length !== KEY_LENGTH) return false;
  const key = await derive(password.normalize('NFKC'), Buffer.from(parsed.salt, 'hex'), parsed.cost);
  return timingSafeEqual(key, expected);
}

/** True for a hash made at a lower cost than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.cost.N < SCRYPT_COST.N || parsed.cost.r < SCRYPT_COST.r || parsed.cost.p < SCRYPT_COST.p;
}
