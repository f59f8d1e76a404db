/**
 * A card's logo through `PUT|GET|DELETE /v1/cards/:id/logo`: a PNG, JPEG or WebP is decoded
 * by sharp and fitted to the pass's logo slot; too big, empty or not an image is refused
 * with the JSON error naming the problem and nothing stored; the logo reaches the pass, the
 * card page and the poster.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { present, read, startHarness, type ErrorBody, type Harness, type Read, type TestMerchant } from './harness';

let h: Harness;
let m: TestMerchant;
let other: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Logo Café');
  other = await h.merchant('Other Café');
});
afterAll(async () => h?.close());

const picture = (width: number, height: number, format: 'png' | 'jpeg' | 'webp', background = '#cc2200') =>
  sharp({ create: { width, height, channels: 3, background } })[format]().toBuffer();

/** What the logo route answers: the logo's size, or an error naming the problem. */
type LogoAnswer = { hasLogo: boolean; width: number; height: number } | ErrorBody<{ problem?: string; limitBytes?: number }>;

/** The picture's bytes as they are (the typed client sends JSON and forms only). */
async function put(cardId: string, body: Uint8Array, key = m.apiKey, type = 'image/png') {
  return h.sendRaw<LogoAnswer>('PUT', `/v1/cards/${cardId}/logo`, { body, headers: { Authorization: `Bearer ${key}`, 'Content-Type': type } });
}

const errorOf = (res: Read<LogoAnswer>) => present('error' in res.body ? res.body.error : null, 'an error');

const logoRows = async () => h.db.selectFrom('card_logos').select('card_id').where('merchant_id', '=', m.id).execute();

describe('PUT /v1/cards/:id/logo', () => {
  it.each(['png', 'jpeg', 'webp'] as const)('takes a %s and fits it inside the 160×50 pt slot at @3x', async (format) => {
    const res = await put(m.cardId, await picture(1200, 600, format), m.apiKey, `image/${format}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ hasLogo: true, width: 300, height: 150 });
    const card = await read(m.api.v1.cards[':id'].$get({ param: { id: m.cardId } }));
    expect(card.body.hasLogo).toBe(true);
    const stored = await h.app.request(`/v1/cards/${m.cardId}/logo`, { headers: { Authorization: `Bearer ${m.apiKey}` } });
    expect(stored.headers.get('Content-Type')).toBe('image/png');
    const meta = await sharp(Buffer.from(await stored.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 300, 150]);
  });

  it('refuses a body over 1 MB with 413 naming the limit, and keeps the old logo', async () => {
    const before = await logoRows();
    const res = await put(m.cardId, new Uint8Array(1024 * 1024 + 1));
    expect(res.status).toBe(413);
    expect(errorOf(res)).toMatchObject({ code: 'payload_too_large', message: 'Request body exceeds 1 MiB', details: { limitBytes: 1048576 } });
    expect(await logoRows()).toEqual(before);
  });

  it('refuses what is not an image, a GIF and an empty body with 400 naming the problem', async () => {
    await m.api.v1.cards[':id'].logo.$delete({ param: { id: m.cardId } });
    const text = await put(m.cardId, new TextEncoder().encode('<html>not a logo</html>'), m.apiKey, 'text/html');
    expect(text.status).toBe(400);
    expect(errorOf(text)).toMatchObject({ code: 'bad_request', details: { problem: 'not_an_image' } });
    expect(errorOf(text).message).toMatch(/not an image/);
    const gif = await put(m.cardId, await picture(20, 20, 'png').then((png) => sharp(png).gif().toBuffer()), m.apiKey, 'image/gif');
    expect(gif.status).toBe(400);
    expect(errorOf(gif)).toMatchObject({ code: 'bad_request', message: 'A logo must be PNG, JPEG or WebP, not gif.', details: { problem: 'unsupported_format' } });
    const empty = await put(m.cardId, new Uint8Array(0));
    expect(empty.status).toBe(400);
    expect(errorOf(empty).details).toEqual({ problem: 'empty_body' });
    // A truncated PNG: the header says PNG, the pixels are missing.
    const truncated = (await picture(400, 400, 'png')).subarray(0, 60);
    expect(errorOf(await put(m.cardId, truncated)).details).toEqual({ problem: 'not_an_image' });
    expect(await logoRows()).toEqual([]);
  });

  it("answers 404 for another merchant's card and stores nothing", async () => {
    const res = await put(m.cardId, await picture(100, 100, 'png'), other.apiKey);
    expect(res.status).toBe(404);
    expect(errorOf(res).code).toBe('not_found');
    expect(await h.db.selectFrom('card_logos').selectAll().where('merchant_id', '=', other.id).execute()).toEqual([]);
  });
});

describe('the logo on the pass, the card page and the poster', () => {
  it('puts the logo in the pass at @1x/@2x/@3x, shows it on the card page and draws it on the poster', async () => {
    expect((await put(m.cardId, await picture(800, 250, 'png', '#00aa44'))).status).toBe(200);
    const imported = await m.api.v1.customers.$post({ json: [{ externalId: 'logo-1', name: 'Lou', cardId: m.cardId }] });
    expect(imported.status).toBe(201);
    const { id: customerId } = await h.db.selectFrom('customers').select('id').where('external_id', '=', 'logo-1').executeTakeFirstOrThrow();
    const { wallet_token: token } = await h.db
      .selectFrom('passes')
      .select('wallet_token')
      .where('customer_id', '=', customerId)
      .executeTakeFirstOrThrow();

    const pkpass = Buffer.from(await (await h.app.request(`/p/${token}/pass.pkpass`)).arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'stampflow-logo-'));
    writeFileSync(join(dir, 'pass.pkpass'), pkpass);
    execFileSync('unzip', ['-q', join(dir, 'pass.pkpass'), '-d', join(dir, 'x')]);
    expect(readdirSync(join(dir, 'x'))).toEqual(expect.arrayContaining(['logo.png', 'logo@2x.png', 'logo@3x.png', 'strip@3x.png']));
    const logo2x = await sharp(join(dir, 'x', 'logo@2x.png')).raw().toBuffer({ resolveWithObject: true });
    expect([logo2x.info.width, logo2x.info.height]).toEqual([320, 100]);
    expect([...logo2x.data.subarray(0, 3)]).toEqual([0, 170, 68]);

    const page = await (await h.app.request(`/p/${token}`)).text();
    expect(page).toContain(`<img class="logo" src="/p/${token}/logo.png"`);
    const served = await h.app.request(`/p/${token}/logo.png`);
    expect(served.headers.get('Content-Type')).toBe('image/png');

    const pdf = Buffer.from(await (await h.app.request(`/v1/cards/${m.cardId}/poster.pdf`, { headers: { Authorization: `Bearer ${m.apiKey}` } })).arrayBuffer());
    writeFileSync(join(dir, 'poster.pdf'), pdf);
    const images = execFileSync('pdfimages', ['-list', join(dir, 'poster.pdf')]).toString();
    expect(images).toMatch(/\n\s+1\s+0\s+image\s+480\s+150\s/);

    // Removed: the pass goes back to the drawn stamp and the page shows no logo.
    expect((await h.app.request(`/v1/cards/${m.cardId}/logo`, { method: 'DELETE', headers: { Authorization: `Bearer ${m.apiKey}` } })).status).toBe(204);
    expect(await (await h.app.request(`/p/${token}`)).text()).not.toContain('class="logo"');
    expect((await h.app.request(`/p/${token}/logo.png`)).status).toBe(404);
  });
});
