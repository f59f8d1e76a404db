/** Runs the migrations in `migrations/` (listed here, so bundlers and tsx see them). */
import { Migrator, type Kysely, type Migration } from 'kysely';
import * as initial from './migrations/001-initial';
import * as journeys from './migrations/002-journeys';
import * as accounts from './migrations/003-accounts';
import * as inspector from './migrations/004-inspector';
import * as wallet from './migrations/005-wallet';
import * as email from './migrations/006-email';
import * as counter from './migrations/010-counter';
import * as results from './migrations/008-results';
import * as nearby from './migrations/011-nearby';
import * as tenantLimits from './migrations/007-tenant-limits';
import * as cardLogos from './migrations/013-card-logos';
import * as telegram from './migrations/014-telegram';
import * as flowKindDrawn from './migrations/015-flow-kind-drawn';
import * as deliverySubject from './migrations/016-delivery-subject';
import * as cohortEntries from './migrations/017-cohort-entries';
import * as retention from './migrations/018-retention';
import * as segmentCountIndex from './migrations/019-segment-count-index';
import * as pushOutbox from './migrations/020-push-outbox';
import * as membersCoverCustomer from './migrations/021-members-cover-customer';
import * as ledgerWithoutRunKeys from './migrations/022-ledger-without-run-keys';
import * as deliveryKeyBySeq from './migrations/023-delivery-key-by-seq';

const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-journeys': journeys,
  '003-accounts': accounts,
  '004-inspector': inspector,
  '005-wallet': wallet,
  '006-email': email,
  '010-counter': counter,
  '008-results': results,
  '011-nearby': nearby,
  '007-tenant-limits': tenantLimits,
  '013-card-logos': cardLogos,
  '014-telegram': telegram,
  '015-flow-kind-drawn': flowKindDrawn,
  '016-delivery-subject': deliverySubject,
  '017-cohort-entries': cohortEntries,
  '018-retention': retention,
  '019-segment-count-index': segmentCountIndex,
  '020-push-outbox': pushOutbox,
  '021-members-cover-customer': membersCoverCustomer,
  '022-ledger-without-run-keys': ledgerWithoutRunKeys,
  '023-delivery-key-by-seq': deliveryKeyBySeq,
};

/** Brings the schema up to date; throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  // Unordered: migrations were numbered per feature in parallel, so a database may have run
  // a later number before an earlier one lands; each is independent of the others.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${String((error as Error).message ?? error)}`);
  }
}

/** Moves the schema to exactly `name` (down as well as up): for migration tests and rollbacks. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run on any schema
export async function migrateTo(db: Kysely<any>, name: keyof typeof migrations & string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(name);
  if (error) throw new Error(`database migration to ${name} failed: ${String((error as Error).message ?? error)}`);
}
