/**
 * The editor's one way to the API: Hono's typed client over `AppType`, so a renamed route
 * or field is a type error here, not a broken page. Same origin; the session cookie rides
 * along and state-changing calls carry the session's CSRF token.
 */
import { hc, type ClientResponse } from 'hono/client';
import type { AppType } from '../../server/api/app';

let csrfToken: string | null = null;

/** Set after sign-in or session restore; cleared on sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const sessionFetch: typeof fetch = (input, init) => {
  const headers = new Headers(init?.headers);
  const method = (init?.method ?? 'GET').toUpperCase();
  if (csrfToken && !SAFE.has(method)) headers.set('X-CSRF-Token', csrfToken);
  return fetch(input, { ...init, headers, credentials: 'same-origin' });
};

export const api = hc<AppType>(window.location.origin, { fetch: sessionFetch });

/** An API answer that was not 2xx, with the `{error: {code, message, details}}` body. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Fired when any call answers 401: the session ended, the shell shows the sign-in page. */
export const SIGNED_OUT_EVENT = 'stampflow:signed-out';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any status/format of the client's answer
type AnyResponse = ClientResponse<any, any, any>;
/** The JSON of the 2xx answers of a typed call. */
export type Ok<R> = R extends ClientResponse<infer T, infer S, infer _F> ? (S extends 200 | 201 | 202 ? T : never) : never;

/**
 * Awaits a typed call and answers its 2xx JSON; anything else throws an {@link ApiFailure}
 * naming what went wrong (a network failure becomes `network_error`).
 *
 * @example
 * const flows = await call(api.v1.flows.$get({ query: {} }));
 */
export async function call<R extends AnyResponse>(request: Promise<R>): Promise<Ok<R>> {
  let res: R;
  try {
    res = await request;
  } catch (err) {
    throw new ApiFailure(0, 'network_error', `The server could not be reached (${err instanceof Error ? err.message : String(err)})`);
  }
  const text = await res.text();
  let body: unknown = undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (res.ok) return body as Ok<R>;
  const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
  if (res.status === 401) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
  throw new ApiFailure(res.status, error?.code ?? `http_${res.status}`, error?.message ?? `The server answered ${res.status}`, error?.details);
}

/** A message for any thrown value, for showing where the failure happened. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiFailure) return err.message;
  return err instanceof Error ? err.message : String(err);
}
