/**
 * Who is calling, as far as the API can trust it: the client's address (for per-client rate
 * limits) and whether it reached us over https (for the session cookie's Secure flag).
 * Proxy headers (`X-Forwarded-For`, `X-Forwarded-Proto`) count only with an explicit
 * trust-proxy setting: otherwise any client could claim any address, or plain http as https.
 */
import type { IncomingMessage } from 'node:http';
import { createMiddleware } from 'hono/factory';
import type { BaseEnv } from './env';

export interface ClientInfoOptions {
  /** `STAMPFLOW_TRUST_PROXY`: the API runs behind a reverse proxy that sets X-Forwarded-*. */
  readonly trustProxy?: boolean | undefined;
  /** The configured public URL; an `https:` one makes every session cookie Secure. */
  readonly publicUrl?: string | undefined;
}

/** The last hop of a comma-separated proxy header: the one our own proxy added. */
function lastHop(header: string | undefined): string | undefined {
  const hop = header?.split(',').at(-1)?.trim();
  return hop ? hop : undefined;
}

/** Sets `client` (an address, or `unknown` in-process) and `https` on every request. */
export function clientInfo(options: ClientInfoOptions) {
  const httpsEverywhere = options.publicUrl?.startsWith('https:') ?? false;
  return createMiddleware<BaseEnv>(async (c, next) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    const socketAddress = incoming?.socket.remoteAddress ?? 'unknown';
    const forwardedFor = options.trustProxy ? lastHop(c.req.header('X-Forwarded-For')) : undefined;
    c.set('client', forwardedFor ?? socketAddress);
    const forwardedProto = options.trustProxy ? lastHop(c.req.header('X-Forwarded-Proto'))?.toLowerCase() : undefined;
    c.set('https', httpsEverywhere || new URL(c.req.url).protocol === 'https:' || forwardedProto === 'https');
    await next();
  });
}
