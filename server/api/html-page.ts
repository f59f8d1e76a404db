/**
 * The shell of the few pages customers open from a link (their wallet page, the unsubscribe
 * page): no app, no cookies, not indexed by search engines, a page style of their own.
 */
import { html, raw } from 'hono/html';

/** A whole HTML document; `title` and `body` are escaped by `html`, `style` is trusted CSS. */
export function htmlPage(title: string, body: unknown, style: string) {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>${title}</title>
        <style>
          ${raw(style)}
        </style>
      </head>
      <body>
        ${body}
      </body>
    </html>`;
}
