/**
 * Browser-facing answers (the editor, the card page `/p/:token`, the unsubscribe page) carry
 * a Content-Security-Policy that loads scripts from our own origin only and forbids framing
 * (clickjacking), `nosniff`, and `Referrer-Policy: no-referrer`: the card and unsubscribe
 * pages have their token in the URL, which must not leak to another site through a link.
 */
import { createMiddleware } from 'hono/factory';

/** Inline styles stay allowed: React Flow positions nodes with style attributes, pages use a `<style>`. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // The email previews are sandboxed srcdoc frames.
  "frame-src 'self' about:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Sets the headers on every answer that has none of its own (API JSON included: harmless there). */
export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  const headers = c.res.headers;
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'no-referrer');
  headers.set('X-Frame-Options', 'DENY');
});
