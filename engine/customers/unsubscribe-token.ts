/**
 * The signed token in every marketing email's unsubscribe link: it names one customer of
 * one merchant, and only this installation can make one (HMAC-SHA256 with a secret kept
 * in the database, shared by every API and worker process). A forged or altered token does
 * not verify, so the link needs no sign-in and changes nothing for anyone else.
 *
 * Format: `<customer id hex>.<merchant id hex>.<mac>` (UUIDs without dashes, the MAC's first
 * 16 bytes in base64url): short enough for a header, opaque to the customer.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/database';

export interface UnsubscribeSubject {
  readonly merchantId: string;
  readonly customerId: string;
}

const secrets = new WeakMap<Db, Promise<string>>();

/** The installation's unsubscribe secret (made by migration 006), read once per database. */
export function unsubscribeSecret(db: Db): Promise<string> {
  let secret = secrets.get(db);
  if (!secret) {
    secret = db
      .selectFrom('instance_secrets')
      .select('value')
      .where('name', '=', 'unsubscribe')
      .executeTakeFirstOrThrow()
      .then((r) => r.value);
    secret.catch(() => secrets.delete(db));
    secrets.set(db, secret);
  }
  return secret;
}

const hex = (uuid: string) => uuid.replaceAll('-', '').toLowerCase();
const uuid = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
const mac = (secret: string, body: string) =>
  createHmac('sha256', secret).update(`unsubscribe:${body}`).digest().subarray(0, 16);

/** @example signUnsubscribe(secret, { merchantId, customerId }) // "3f2a….9b1c….q7Xk…" */
export function signUnsubscribe(secret: string, subject: UnsubscribeSubject): string {
  const body = `${hex(subject.customerId)}.${hex(subject.merchantId)}`;
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

/** The subject of a token this installation made, or null for anything else. */
export function verifyUnsubscribe(secret: string, token: string): UnsubscribeSubject | null {
  const m = /^([0-9a-f]{32})\.([0-9a-f]{32})\.([\w-]{22})$/.exec(token);
  if (!m) return null;
  const [, customer = '', merchant = '', given = ''] = m;
  // Compare the encodings, not the decoded bytes: base64url's last character carries spare
  // bits, so an altered character could otherwise decode to the same MAC.
  const expected = Buffer.from(mac(secret, `${customer}.${merchant}`).toString('base64url'));
  const presented = Buffer.from(given);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  return { customerId: uuid(customer), merchantId: uuid(merchant) };
}

/** The one-click unsubscribe URL (RFC 8058) under the public base URL. */
export const unsubscribeUrl = (publicUrl: string, token: string): string => `${publicUrl}/u/${token}`;
