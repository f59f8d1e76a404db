/**
 * Creating a merchant: the row, its messaging rules (the café defaults unless told), its
 * first API key ("Default key") and optionally its owner.
 * Used by `POST /v1/merchants` and by the demo seed.
 */
import { issueApiKey } from '../accounts/api-keys';
import type { Db } from '../db/database';
import { DEFAULT_MESSAGING_RULES, saveMessagingRules, type MessagingRulesChange } from './messaging-rules';

export interface NewMerchant {
  readonly name: string;
  readonly timezone: string;
  readonly emailFrom: string | null;
  /** The first owner: a lower-cased email and a password hashed by `hashPassword`. */
  readonly owner?: { readonly email: string; readonly passwordHash: string } | undefined;
  /** Default: {@link DEFAULT_MESSAGING_RULES}. */
  readonly messagingRules?: MessagingRulesChange | undefined;
}

export interface CreatedMerchant {
  readonly merchantId: string;
  /** The plaintext API key: shown once, stored only as its hash. */
  readonly apiKey: string;
  readonly ownerId: string | null;
}

/**
 * Writes the merchant, its owner and its first key. Pass a transaction so a failure (such as
 * the owner's email being taken: a unique violation of `staff_email_key`) leaves nothing.
 *
 * @example
 * const { merchantId, apiKey } = await db.transaction().execute((trx) =>
 *   createMerchant(trx, { name: 'Demo Café', timezone: 'Europe/Berlin', emailFrom: null }));
 */
export async function createMerchant(trx: Db, input: NewMerchant): Promise<CreatedMerchant> {
  const merchant = await trx
    .insertInto('merchants')
    .values({ name: input.name, timezone: input.timezone, email_from: input.emailFrom })
    .returning('id')
    .executeTakeFirstOrThrow();
  const owner = input.owner
    ? await trx
        .insertInto('staff')
        .values({
          merchant_id: merchant.id,
          email: input.owner.email,
          password_hash: input.owner.passwordHash,
          role: 'owner',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    : undefined;
  const ownerId = owner?.id ?? null;
  await saveMessagingRules(trx, merchant.id, input.messagingRules ?? DEFAULT_MESSAGING_RULES);
  const { key } = await issueApiKey(trx, { merchantId: merchant.id, name: 'Default key', createdBy: ownerId });
  return { merchantId: merchant.id, apiKey: key, ownerId };
}
