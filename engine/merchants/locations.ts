/**
 * The merchant's shops: where a pass shows its nearby text on the lock screen. Apple reads
 * at most 10 locations per pass, so at most 10 are stored; `PUT /v1/merchant/settings`
 * replaces the whole list.
 */
import { z } from 'zod';
import type { Db } from '../db/database';
import type { ShopLocation } from '../db/schema';

export type { ShopLocation };

/** Apple Wallet's limit of locations per pass. */
export const MAX_LOCATIONS = 10;
export const LOCATION_NAME_MAX = 100;
export const LOCATION_ADDRESS_MAX = 300;

const coordinate = (label: string, max: number) =>
  z
    .number({ error: `${label} must be a number from -${max} to ${max}` })
    .min(-max, `${label} must be from -${max} to ${max}`)
    .max(max, `${label} must be from -${max} to ${max}`);

/** One shop; messages name the field, the error path names the entry (`locations.3`). */
export const shopLocationSchema = z.strictObject({
  name: z
    .string({ error: 'name must be text' })
    .trim()
    .min(1, 'name is empty')
    .max(LOCATION_NAME_MAX, `name is longer than ${LOCATION_NAME_MAX} characters`),
  address: z
    .string({ error: 'address must be text' })
    .trim()
    .max(LOCATION_ADDRESS_MAX, `address is longer than ${LOCATION_ADDRESS_MAX} characters`)
    .default(''),
  latitude: coordinate('latitude', 90),
  longitude: coordinate('longitude', 180),
});

/** The whole list, as `PUT` replaces it. */
export const shopLocationsSchema = z
  .array(shopLocationSchema, { error: 'must be a list of shops' })
  .superRefine((list, ctx) => {
    if (list.length <= MAX_LOCATIONS) return;
    const first = list[MAX_LOCATIONS];
    ctx.addIssue({
      code: 'custom',
      path: [MAX_LOCATIONS],
      message: `at most ${MAX_LOCATIONS} shops fit on a pass; shop ${MAX_LOCATIONS + 1}${first ? ` ("${first.name}")` : ''} is one too many`,
    });
  });

/** The merchant's shops, in the order they were given. */
export async function loadLocations(db: Db, merchantId: string): Promise<ShopLocation[]> {
  const row = await db.selectFrom('merchants').select('locations').where('id', '=', merchantId).executeTakeFirst();
  if (!row) throw new Error(`merchant ${merchantId} not found`);
  return row.locations;
}

/** Replaces the list (validation is the caller's job: {@link shopLocationsSchema}). */
export async function saveLocations(db: Db, merchantId: string, locations: readonly ShopLocation[]): Promise<void> {
  await db
    .updateTable('merchants')
    .set({ locations: JSON.stringify(locations) })
    .where('id', '=', merchantId)
    .execute();
}
