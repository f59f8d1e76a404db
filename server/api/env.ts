/** Hono environments: what the middlewares put into the request context. */
import type { RequestIdVariables } from 'hono/request-id';

/** Every request: a request id (from `hono/request-id`). */
export interface BaseEnv {
  Variables: RequestIdVariables;
}

/** Who made an authenticated request: a signed-in staff member or an API key. */
export type Actor =
  | { readonly kind: 'staff'; readonly staffId: string; readonly email: string; readonly role: 'owner' | 'staff' }
  | { readonly kind: 'api_key'; readonly keyId: string; readonly name: string };

/** A request authenticated by a merchant API key or a staff session cookie. */
export interface MerchantEnv {
  Variables: RequestIdVariables & { merchantId: string; actor: Actor };
}
