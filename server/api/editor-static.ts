/**
 * Serves the built editor (`editor/dist`) at `/`: its files as they are, and `index.html`
 * for every other GET outside the API so deep links (`/flows/<id>`) load the app.
 * Hashed assets are cached for a year; `index.html` never, so a new build shows at once.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

/** Paths the editor never answers: they belong to the API and its neighbours. */
const NOT_EDITOR = /^\/(v1|healthz|wallet|webhooks|p|u)(\/|$)/;

export function editorStatic(dir: string): MiddlewareHandler {
  const root = normalize(dir + sep);
  return async (c, next) => {
    if ((c.req.method !== 'GET' && c.req.method !== 'HEAD') || NOT_EDITOR.test(c.req.path)) return next();
    let path: string;
    try {
      path = decodeURIComponent(c.req.path);
    } catch {
      throw new ApiError('bad_request', 'The URL is not valid (malformed percent-encoding)');
    }
    const file = normalize(join(root, path));
    if (file.startsWith(root) && extname(file)) {
      const body = await readFile(file).catch(() => undefined);
      if (body) {
        const immutable = path.startsWith('/assets/');
        return c.body(body, 200, {
          'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
          'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
      if (path.startsWith('/assets/')) return next();
    }
    const index = await readFile(join(root, 'index.html')).catch(() => undefined);
    if (!index) {
      return c.text('The editor is not built yet: run `npm start` (it builds it) or `npm run build:editor`.', 503);
    }
    return c.body(index, 200, { 'Content-Type': TYPES['.html'] ?? 'text/html', 'Cache-Control': 'no-cache' });
  };
}
