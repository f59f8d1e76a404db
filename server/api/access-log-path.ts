/**
 * The path as the access log writes it: secrets in the path are redacted. The wallet page
 * (`/p/<token>`), unsubscribe links (`/u/<token>`), invitations (`/invite/<token>`) and the
 * PassKit web service's serial numbers would otherwise sit in every log for their lifetime.
 */
const SECRET_SEGMENT = /^\/(p|u|invite)\/[^/]+/;
const PASSKIT_SERIAL = /^(\/wallet\/apple\/v1\/(?:devices\/[^/]+\/registrations|passes)\/[^/]+)\/[^/]+/;

/** `/p/abc…/x` → `/p/[redacted]/x`. */
export function redactedPath(path: string): string {
  return path.replace(SECRET_SEGMENT, '/$1/[redacted]').replace(PASSKIT_SERIAL, '$1/[redacted]');
}
