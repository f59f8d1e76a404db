/**
 * Request validation with zod. `jsonBody` and `query` are middlewares whose input and
 * output types flow into `c.req.valid(...)` and into the typed client (`hc<AppType>`).
 */
import { isUuid } from '../../engine/ids';
import type { Env, MiddlewareHandler } from 'hono';
import { createMiddleware } from 'hono/factory';
import { type z } from 'zod';
import { ApiError, notFound, validationError } from './errors';

type Validated<Target extends 'json' | 'query', S extends z.ZodType> = {
  in: { [K in Target]: z.input<S> };
  out: { [K in Target]: z.output<S> };
};

/** Parses the body as JSON (whatever the Content-Type) and validates it. */
export function jsonBody<S extends z.ZodType, E extends Env = Env>(
  schema: S,
): MiddlewareHandler<E, string, Validated<'json', S>> {
  return createMiddleware<E, string, Validated<'json', S>>(async (c, next) => {
    const text = await c.req.text();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw new ApiError('bad_request', 'Request body is not valid JSON');
    }
    const result = schema.safeParse(value);
    if (!result.success) throw validationError(result.error);
    c.req.addValidatedData('json', result.data as object);
    await next();
  });
}

/** Validates the query string (single values; the last one wins when repeated). */
export function query<S extends z.ZodType, E extends Env = Env>(
  schema: S,
): MiddlewareHandler<E, string, Validated<'query', S>> {
  return createMiddleware<E, string, Validated<'query', S>>(async (c, next) => {
    const result = schema.safeParse(c.req.query());
    if (!result.success) throw validationError(result.error, 'Query');
    c.req.addValidatedData('query', result.data as object);
    await next();
  });
}

/** A path id: anything that is not a UUID cannot exist, so it is a 404 (not a 500 from Postgres). */
export function pathId(value: string | undefined, what: string): string {
  if (value === undefined || !isUuid(value)) throw notFound(what);
  return value.toLowerCase();
}

/** Field rules for bodies and queries (shared with the use-cases). */
export { timestamp, uuid } from '../../engine/fields';
export { isUuid };
