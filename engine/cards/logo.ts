/**
 * A card's logo: an uploaded PNG, JPEG or WebP, decoded and checked by sharp (anything it
 * cannot decode, or another format, is refused), fitted inside the pass's logo slot at @3x
 * (480×150 px) and stored as PNG in `card_logos`. Setting or removing it marks every pass of
 * the card changed, so devices fetch the new look.
 */
import { sql } from 'kysely';
import sharp from 'sharp';
import { LOGO_PT } from '../channels/wallet/pass-images';
import type { Db } from '../db/database';
import { passChanged } from '../wallet/pass-changes';

export const LOGO_FORMATS = ['png', 'jpeg', 'webp'] as const;
/** The upload limit, in bytes. */
export const LOGO_MAX_BYTES = 1024 * 1024;
/** Larger pictures are refused before decoding (a small file can claim a huge canvas). */
const MAX_INPUT_PIXELS = 40_000_000;

export interface StoredLogo {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

export type LogoResult =
  | { readonly ok: true; readonly logo: StoredLogo }
  | { readonly ok: false; readonly code: 'not_an_image' | 'unsupported_format'; readonly message: string };

/**
 * Decodes `bytes` and fits them to the logo slot at @3x, never enlarging.
 *
 * @example
 * const result = await prepareLogo(upload);
 * if (!result.ok) throw badRequest(result.message);
 */
export async function prepareLogo(bytes: Uint8Array): Promise<LogoResult> {
  let format: string | undefined;
  try {
    format = (await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata()).format;
  } catch {
    return { ok: false, code: 'not_an_image', message: 'The file is not an image we can read; upload a PNG, JPEG or WebP.' };
  }
  if (!(LOGO_FORMATS as readonly string[]).includes(format ?? '')) {
    return { ok: false, code: 'unsupported_format', message: `A logo must be PNG, JPEG or WebP, not ${format ?? 'this format'}.` };
  }
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate() // honour a phone photo's EXIF orientation
      .resize(LOGO_PT.width * 3, LOGO_PT.height * 3, { fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer({ resolveWithObject: true });
    return { ok: true, logo: { png: data, width: info.width, height: info.height } };
  } catch {
    return { ok: false, code: 'not_an_image', message: 'The image is damaged or too large to read; upload a PNG, JPEG or WebP.' };
  }
}

/** Stores the card's logo; false when the merchant has no such card. */
export async function setCardLogo(db: Db, merchantId: string, cardId: string, logo: StoredLogo): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const card = await trx.selectFrom('cards').select('id').where('id', '=', cardId).where('merchant_id', '=', merchantId).forUpdate().executeTakeFirst();
    if (!card) return false;
    await trx
      .insertInto('card_logos')
      .values({ card_id: cardId, merchant_id: merchantId, png: logo.png, width: logo.width, height: logo.height })
      .onConflict((oc) => oc.column('card_id').doUpdateSet({ png: logo.png, width: logo.width, height: logo.height, updated_at: new Date() }))
      .execute();
    await sql`update passes p set ${passChanged('p')} from customers cu where cu.id = p.customer_id and cu.card_id = ${cardId}`.execute(trx);
    return true;
  });
}

/** Removes the card's logo (the pass goes back to the drawn stamp); false when there was none. */
export async function deleteCardLogo(db: Db, merchantId: string, cardId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const gone = await trx.deleteFrom('card_logos').where('card_id', '=', cardId).where('merchant_id', '=', merchantId).executeTakeFirst();
    if (gone.numDeletedRows === 0n) return false;
    await sql`update passes p set ${passChanged('p')} from customers cu where cu.id = p.customer_id and cu.card_id = ${cardId}`.execute(trx);
    return true;
  });
}

/** The stored logo PNG of a card, if any. */
export async function cardLogo(db: Db, cardId: string): Promise<Buffer | undefined> {
  const row = await db.selectFrom('card_logos').select('png').where('card_id', '=', cardId).executeTakeFirst();
  return row?.png;
}
