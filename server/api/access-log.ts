/** One structured log line per request, with its request id, status and duration. */
import { createMiddleware } from 'hono/factory';
import { log } from '../../engine/log';
import { redactedPath } from './access-log-path';

/**
 * `STAMPFLOW_ACCESS_LOG=off` leaves the line out: the test suite sets it, so its log shows
 * failures instead of thousands of requests.
 */
const enabled = process.env.STAMPFLOW_ACCESS_LOG !== 'off';

/** Logs `http request` with requestId, method, path (tokens redacted), status and durationMs. */
export const accessLog = createMiddleware(async (c, next) => {
  const started = performance.now();
  await next();
  if (!enabled) return;
  log.info('http request', {
    requestId: c.get('requestId'),
    method: c.req.method,
    path: redactedPath(c.req.path),
    status: c.res.status,
    durationMs: Math.round((performance.now() - started) * 10) / 10,
  });
});
