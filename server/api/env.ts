/** Hono environments: what the middlewares put into the request context. */
import type { RequestIdVariables } from 'hono/request-id';

/** Set for every request by `client-info.ts`. */
export interface ClientVariables {
  /** The client's address (the proxy's last hop only with trust-proxy), `unknown` in-process. */
  client: string;
  /** The client reached us over https (or the public URL is https). */
  https: boolean;
}

/** Every request: a request id (from `hono/request-id`) and who is calling. */
export interface BaseEnv {
  Variables: RequestIdVariables & ClientVariables;
}

/** Who made an authenticated request: a signed-in staff member or an API key. */
export type Actor =
  | { readonly kind: 'staff'; readonly staffId: string; readonly email: string; readonly role: 'owner' | 'staff' }
  | { readonly kind: 'api_key'; readonly keyId: string; readonly name: string };

/** A request authenticated by a merchant API key or a staff session cookie. */
export interface MerchantEnv {
  Variables: RequestIdVariables & ClientVariables & { merchantId: string; actor: Actor };
}
