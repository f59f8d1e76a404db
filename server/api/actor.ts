/** Who made a request, in the words a version history shows. */
import type { Context } from 'hono';
import type { Actor, MerchantEnv } from './env';

/**
 * `ada@cafe.example` for a staff member, `API key "POS"` for a key, null when the request
 * carries no actor (authentication that does not set one).
 */
export function actorLabel(c: Context<MerchantEnv>): string | null {
  const actor = c.get('actor') as Actor | undefined;
  if (!actor) return null;
  return actor.kind === 'staff' ? actor.email : `API key "${actor.name}"`;
}
