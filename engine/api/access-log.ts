/** One structured log line per request, with its request id, status and duration. */
import { createMiddleware } from 'hono/factory';
import { log } from '../log';

/** Logs `http request` with requestId, method, path, status and durationMs. */
export const accessLog = createMiddleware(async (c, next) => {
  const started = performance.now();
  await next();
  log.info('http request', {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: c.req.path,
    status: c.res.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
});
