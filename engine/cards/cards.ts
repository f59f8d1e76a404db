/**
 * A merchant's stamp cards: what a client sets (camelCase) as `cards` columns, and changing
 * a card, which every pass of it shows (name, reward, colours).
 */
import { sql } from 'kysely';
import type { Db } from '../db/database';
import type { Card } from '../db/schema';
import { passChanged } from '../wallet/pass-changes';

/** A card's settings as clients send them; left out means unchanged (or the default). */
export interface CardSettings {
  readonly name?: string | undefined;
  readonly stampsRequired?: number | undefined;
  readonly reward?: string | undefined;
  readonly backgroundColor?: string | undefined;
  readonly foregroundColor?: string | undefined;
  readonly labelColor?: string | undefined;
}

/** The `cards` columns of `settings` (undefined ones are left out by Kysely). */
export function cardColumns(settings: CardSettings) {
  return {
    name: settings.name,
    stamps_required: settings.stampsRequired,
    reward: settings.reward,
    background_color: settings.backgroundColor,
    foreground_color: settings.foregroundColor,
    label_color: settings.labelColor,
  };
}

/**
 * Changes the merchant's card and marks its passes changed, so devices fetch them again;
 * undefined when the merchant has no such card.
 *
 * @example
 * await updateCard(db, merchantId, cardId, { reward: 'Free cake' });
 */
export async function updateCard(
  db: Db,
  merchantId: string,
  cardId: string,
  settings: CardSettings,
): Promise<Card | undefined> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('cards')
      .set(cardColumns(settings))
      .where('id', '=', cardId)
      .where('merchant_id', '=', merchantId)
      .returningAll()
      .executeTakeFirst();
    if (updated) {
      await sql`update passes p set ${passChanged('p')} from customers cu
        where cu.id = p.customer_id and cu.card_id = ${cardId}`.execute(trx);
    }
    return updated;
  });
}
