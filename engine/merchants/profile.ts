/**
 * A merchant's profile as its emails show it: the name, the sender address, and the footer
 * details every email's layout carries (postal address, brand colour). Read by the email
 * preview, written by `PUT /v1/merchant/settings`.
 */
import type { Db } from '../db/database';

/** The longest postal address accepted, in characters (after trimming). */
export const POSTAL_ADDRESS_MAX = 500;
/** A brand colour: `#rrggbb`. */
export const BRAND_COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;

export interface MerchantProfile {
  readonly name: string;
  /** The merchant's own sender address; null: the instance's default. */
  readonly emailFrom: string | null;
  /** May be multi-line; null: none yet (mail still goes out, the editor warns). */
  readonly postalAddress: string | null;
  /** `#rrggbb`, lower case; null: the layout's neutral default. */
  readonly brandColor: string | null;
}

/** A change to the profile: a key left out keeps its stored value, null clears it. */
export interface MerchantProfileChange {
  /** Trimmed, 1..{@link POSTAL_ADDRESS_MAX} characters; validation is the caller's job. */
  readonly postalAddress?: string | null;
  /** `#rrggbb`; validation is the caller's job. */
  readonly brandColor?: string | null;
}

/** Why a merchant's emails are not all they should be; the editor shows a warning for each. */
export type ProfileWarning = 'no_postal_address';

/**
 * The merchant's profile. Throws for an unknown merchant (callers hold an id they got from
 * the database).
 *
 * @example
 * const { name, postalAddress, brandColor } = await loadMerchantProfile(db, merchantId);
 */
export async function loadMerchantProfile(db: Db, merchantId: string): Promise<MerchantProfile> {
  const row = await db
    .selectFrom('merchants')
    .select(['name', 'email_from', 'postal_address', 'brand_color'])
    .where('id', '=', merchantId)
    .executeTakeFirst();
  if (!row) throw new Error(`merchant ${merchantId} not found`);
  return { name: row.name, emailFrom: row.email_from, postalAddress: row.postal_address, brandColor: row.brand_color };
}

/** Applies `change` and answers the profile now stored. */
export async function saveMerchantProfile(
  db: Db,
  merchantId: string,
  change: MerchantProfileChange,
): Promise<MerchantProfile> {
  const columns = {
    ...(change.postalAddress !== undefined ? { postal_address: change.postalAddress } : {}),
    ...(change.brandColor !== undefined ? { brand_color: change.brandColor?.toLowerCase() ?? null } : {}),
  };
  if (Object.keys(columns).length > 0) {
    await db.updateTable('merchants').set(columns).where('id', '=', merchantId).execute();
  }
  return loadMerchantProfile(db, merchantId);
}

/**
 * What is missing from the profile, for the editor to warn about.
 *
 * @example
 * profileWarnings({ name: 'Café', emailFrom: null, postalAddress: null, brandColor: null }) // ['no_postal_address']
 */
export function profileWarnings(profile: MerchantProfile): ProfileWarning[] {
  return profile.postalAddress === null || profile.postalAddress.trim() === '' ? ['no_postal_address'] : [];
}
