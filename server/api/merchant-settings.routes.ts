/**
 * `GET /v1/merchant/settings`, `PUT /v1/merchant/settings`: the key's merchant's messaging
 * rules and the footer details of its emails (postal address, brand colour).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { loadLocations, saveLocations, shopLocationsSchema, type ShopLocation } from '../../engine/merchants/locations';
import { loadMessagingRules, saveMessagingRules, type MessagingRules } from '../../engine/merchants/messaging-rules';
import {
  BRAND_COLOR_PATTERN,
  loadMerchantProfile,
  POSTAL_ADDRESS_MAX,
  profileWarnings,
  saveMerchantProfile,
  type MerchantProfile,
} from '../../engine/merchants/profile';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { jsonBody } from './validate';
import { frequencyCapBody, quietHoursBody, rulesChange } from './messaging-rules-body';

const ADDRESS_MESSAGE = `must be text of 1 to ${POSTAL_ADDRESS_MAX} characters, or null to remove it`;
const postalAddress = z
  .string({ error: ADDRESS_MESSAGE })
  .trim()
  .min(1, ADDRESS_MESSAGE)
  .max(POSTAL_ADDRESS_MAX, ADDRESS_MESSAGE)
  .transform((address) => address.replace(/\r\n?/g, '\n'))
  .nullable();

const COLOR_MESSAGE = 'must be a colour as #rrggbb (e.g. #0a7c59), or null for the default';
const brandColor = z.string({ error: COLOR_MESSAGE }).regex(BRAND_COLOR_PATTERN, COLOR_MESSAGE).nullable();

/**
 * Every key optional: one left out keeps its stored value, null clears it. Strict, so a
 * misspelt key is a 400 rather than a silent no-op.
 */
const settingsBody = z.strictObject({
  frequencyCap: frequencyCapBody.optional(),
  quietHours: quietHoursBody.optional(),
  postalAddress: postalAddress.optional(),
  brandColor: brandColor.optional(),
  /** Replaces the whole list; at most 10. */
  locations: shopLocationsSchema.optional(),
});

/** `warnings`: what the editor warns about, e.g. `no_postal_address` (emails still go out). */
function settingsJson(rules: MessagingRules, profile: MerchantProfile, locations: readonly ShopLocation[]) {
  return {
    frequencyCap: { push: rules.pushCap, email: rules.emailCap },
    quietHours: rules.quietHours,
    timezone: rules.timezone,
    postalAddress: profile.postalAddress,
    brandColor: profile.brandColor,
    locations,
    warnings: profileWarnings(profile),
  };
}

/** Mounted at `/v1/merchant` (singular: the merchant the API key belongs to). */
export function merchantSettingsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .get('/settings', async (c) => {
      const merchantId = c.get('merchantId');
      const [rules, profile, locations] = await Promise.all([
        loadMessagingRules(db, merchantId),
        loadMerchantProfile(db, merchantId),
        loadLocations(db, merchantId),
      ]);
      return c.json(settingsJson(rules, profile, locations));
    })
    .put('/settings', jsonBody(settingsBody), async (c) => {
      const { frequencyCap, quietHours, postalAddress, brandColor, locations } = c.req.valid('json');
      const merchantId = c.get('merchantId');
      // One transaction: a body is applied whole or not at all.
      const saved = await db.transaction().execute(async (trx) => ({
        rules: await saveMessagingRules(trx, merchantId, rulesChange({ frequencyCap, quietHours })),
        profile: await saveMerchantProfile(trx, merchantId, {
          ...(postalAddress !== undefined ? { postalAddress } : {}),
          ...(brandColor !== undefined ? { brandColor } : {}),
        }),
        locations: locations ? await saveLocations(trx, merchantId, locations).then(() => locations) : await loadLocations(trx, merchantId),
      }));
      return c.json(settingsJson(saved.rules, saved.profile, saved.locations));
    });
}
