/** `POST /v1/cards`, `GET /v1/cards`: the merchant's stamp cards. */
import { Hono } from 'hono';
import { z } from 'zod';
import type { Card } from '../../engine/db/schema';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { jsonBody } from './validate';
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

function cardJson(card: Card) {
  return {
    id: card.id,
    name: card.name,
    stampsRequired: card.stamps_required,
    reward: card.reward,
    backgroundColor: card.background_color,
    foregroundColor: card.foreground_color,
    labelColor: card.label_color,
    createdAt: iso(card.created_at),
  };
}

/** Mounted at `/v1/cards`. */
export function cardsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/', jsonBody(createCard), async (c) => {
      const input = c.req.valid('json');
      const card = await db
        .insertInto('cards')
        .values({
          merchant_id: c.get('merchantId'),
          name: input.name,
          stamps_required: input.stampsRequired,
          reward: input.reward,
          background_color: input.backgroundColor,
          foreground_color: input.foregroundColor,
          label_color: input.labelColor,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return c.json(cardJson(card), 201);
    })
    .get('/', async (c) => {
      const cards = await db
        .selectFrom('cards')
        .selectAll()
        .where('merchant_id', '=', c.get('merchantId'))
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      return c.json({ items: cards.map(cardJson) });
    });
}
