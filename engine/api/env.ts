/** Hono environments: what the middlewares put into the request context. */
import type { RequestIdVariables } from 'hono/request-id';

/** Every request: a request id (from `hono/request-id`). */
export interface BaseEnv {
  Variables: RequestIdVariables;
}

/** A request authenticated by a merchant API key. */
export interface MerchantEnv {
  Variables: RequestIdVariables & { merchantId: string };
}
