/**
 * Credentials of a new wallet pass: its serial number and the token devices present to
 * the PassKit web service (`Authorization: ApplePass <token>`).
 */
import { randomBytes, randomUUID } from 'node:crypto';

export interface PassCredentials {
  readonly serial_number: string;
  readonly authentication_token: string;
}

/** A random serial number (UUID) and a 32-hex-character authentication token. */
export function newPassCredentials(): PassCredentials {
  return { serial_number: randomUUID(), authentication_token: randomBytes(16).toString('hex') };
}
