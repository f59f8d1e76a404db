/**
 * `POST /v1/cards`, `GET /v1/cards`, `GET|PATCH /v1/cards/:id`: the merchant's stamp cards.
 * Every card answers with its `joinUrl`, the public join page behind the counter's QR;
 * `GET /v1/cards/:id/poster.pdf?size=A4|A5` is the printable poster with that QR.
 * `PUT /v1/cards/:id/logo` (the raw PNG, JPEG or WebP as the body, at most 1 MB) sets the
 * card's logo, `GET` answers it as PNG and `DELETE` removes it; each card says `hasLogo`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { cardColumns, updateCard } from '../../engine/cards/cards';
import { cardLogo, deleteCardLogo, LOGO_MAX_BYTES, prepareLogo, setCardLogo } from '../../engine/cards/logo';
import { posterPdf, POSTER_SIZES } from '../../engine/cards/poster';
import type { Card } from '../../engine/db/schema';
import { DEFAULT_PUBLIC_URL, joinPageUrl } from '../../engine/wallet/wallet';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { limitBody } from './body-limits';
import { ApiError, notFound } from './errors';
import { jsonBody, pathId, query } from './validate';
import { iso } from './iso';

const color = z
  .string()
  .regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour as #rrggbb')
  .transform((v) => v.toLowerCase());

/** The pass's colours are optional; the database gives a coffee-brown card with white text. */
const createCard = z.object({
  name: z.string().trim().min(1).max(200),
  stampsRequired: z.number().int().min(1).max(100),
  reward: z.string().trim().min(1).max(200),
  backgroundColor: color.optional(),
  foregroundColor: color.optional(),
  labelColor: color.optional(),
});

/** A change: every field optional, at least one given. */
const updateBody = createCard.partial().refine((v) => Object.values(v).some((x) => x !== undefined), {
  message: 'give at least one field to change',
});

/** `?size=A4` (the default) or `A5`. */
const posterQuery = z.object({ size: z.enum(POSTER_SIZES).default('A4') });

/** The ids among `cardIds` that have a logo. */
async function withLogos(db: AppDeps['db'], cardIds: readonly string[]): Promise<Set<string>> {
  if (cardIds.length === 0) return new Set();
  const rows = await db.selectFrom('card_logos').select('card_id').where('card_id', 'in', cardIds).execute();
  return new Set(rows.map((r) => r.card_id));
}

function cardJson(card: Card, publicUrl: string, hasLogo: boolean) {
  return {
    id: card.id,
    name: card.name,
    stampsRequired: card.stamps_required,
    reward: card.reward,
    backgroundColor: card.background_color,
    foregroundColor: card.foreground_color,
    labelColor: card.label_color,
    joinUrl: joinPageUrl(publicUrl, card.id),
    hasLogo,
    createdAt: iso(card.created_at),
  };
}

/** Mounted at `/v1/cards`. */
export function cardsRoutes(deps: AppDeps) {
  const { db } = deps;
  const publicUrl = deps.wallet?.publicUrl ?? DEFAULT_PUBLIC_URL;
  const ownedCard = async (id: string, merchantId: string) =>
    (await db.selectFrom('cards').select('id').where('id', '=', id).where('merchant_id', '=', merchantId).executeTakeFirst()) !== undefined;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/', jsonBody(createCard), async (c) => {
      const input = c.req.valid('json');
      const card = await db
        .insertInto('cards')
        .values({
          ...cardColumns(input),
          merchant_id: c.get('merchantId'),
          name: input.name,
          stamps_required: input.stampsRequired,
          reward: input.reward,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return c.json(cardJson(card, publicUrl, false), 201);
    })
    .get('/', async (c) => {
      const cards = await db
        .selectFrom('cards')
        .selectAll()
        .where('merchant_id', '=', c.get('merchantId'))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      const logos = await withLogos(db, cards.map((card) => card.id));
      return c.json({ items: cards.map((card) => cardJson(card, publicUrl, logos.has(card.id))) });
    })
    .get('/:id', async (c) => {
      const id = pathId(c.req.param('id'), 'Card');
      const card = await db
        .selectFrom('cards')
        .selectAll()
        .where('id', '=', id)
        .where('merchant_id', '=', c.get('merchantId'))
        .executeTakeFirst();
      if (!card) throw notFound('Card');
      return c.json(cardJson(card, publicUrl, (await withLogos(db, [card.id])).has(card.id)));
    })
    .patch('/:id', jsonBody(updateBody), async (c) => {
      const id = pathId(c.req.param('id'), 'Card');
      const card = await updateCard(db, c.get('merchantId'), id, c.req.valid('json'));
      if (!card) throw notFound('Card');
      return c.json(cardJson(card, publicUrl, (await withLogos(db, [card.id])).has(card.id)));
    })
    .put('/:id/logo', limitBody(LOGO_MAX_BYTES), async (c) => {
      const id = pathId(c.req.param('id'), 'Card');
      if (!(await ownedCard(id, c.get('merchantId')))) throw notFound('Card');
      const body = new Uint8Array(await c.req.arrayBuffer());
      if (body.length === 0) throw new ApiError('bad_request', 'Send the logo image as the request body', { problem: 'empty_body' });
      const prepared = await prepareLogo(body);
      if (!prepared.ok) throw new ApiError('bad_request', prepared.message, { problem: prepared.code });
      if (!(await setCardLogo(db, c.get('merchantId'), id, prepared.logo))) throw notFound('Card');
      return c.json({ hasLogo: true, width: prepared.logo.width, height: prepared.logo.height });
    })
    .get('/:id/logo', async (c) => {
      const id = pathId(c.req.param('id'), 'Card');
      const png = (await ownedCard(id, c.get('merchantId'))) ? await cardLogo(db, id) : undefined;
      if (!png) throw notFound('Logo');
      return c.body(new Uint8Array(png), 200, { 'Content-Type': 'image/png', 'Cache-Control': 'private, no-cache' });
    })
    .delete('/:id/logo', async (c) => {
      const id = pathId(c.req.param('id'), 'Card');
      if (!(await deleteCardLogo(db, c.get('merchantId'), id))) throw notFound('Logo');
      return c.body(null, 204);
    })
    .get('/:id/poster.pdf', query(posterQuery), async (c) => {
      const id = pathId(c.req.param('id'), 'Card');
      const row = await db
        .selectFrom('cards as k')
        .innerJoin('merchants as m', 'm.id', 'k.merchant_id')
        .selectAll('k')
        .select('m.name as shop_name')
        .where('k.id', '=', id)
        .where('k.merchant_id', '=', c.get('merchantId'))
        .executeTakeFirst();
      if (!row) throw notFound('Card');
      const { size } = c.req.valid('query');
      const pdf = await posterPdf(
        {
          shopName: row.shop_name,
          cardName: row.name,
          reward: row.reward,
          stampsRequired: row.stamps_required,
          backgroundColor: row.background_color,
          foregroundColor: row.foreground_color,
          joinUrl: joinPageUrl(publicUrl, row.id),
          logo: (await cardLogo(db, row.id)) ?? null,
        },
        size,
      );
      return c.body(new Uint8Array(pdf), 200, {
        'Content-Type': 'application/pdf',
        'Content-Disposition': `attachment; filename="poster-${size.toLowerCase()}.pdf"`,
      });
    });
}
