/**
 * The run inspector and campaigns: who published each flow version, and which flows are
 * one-off campaigns (a broadcast as a single-step flow) rather than journeys. Takes
 * `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // The publisher as people read it: a staff member's email or `API key "<name>"`; null for
  // versions published before this migration.
  await db.schema.alterTable('flow_versions').addColumn('published_by', 'text').execute();

  // 'journey' (drawn in the editor) | 'campaign' (made by POST /v1/campaigns).
  await db.schema
    .alterTable('flows')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('journey'))
    .execute();
  // Lists of one kind, newest first (campaigns) or oldest first (flows).
  await db.schema
    .createIndex('flows_merchant_kind_created')
    .on('flows')
    .columns(['merchant_id', 'kind', 'created_at'])
    .execute();

  // A flow's latest run (the flow list, the campaign list).
  await db.schema.createIndex('runs_flow_created').on('runs').columns(['flow_id', 'created_at']).execute();
  // The run inspector's history link and the timeline read runs by merchant and time.
  await sql`create index runs_merchant_created on runs (merchant_id, created_at)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('runs_merchant_created').execute();
  await db.schema.dropIndex('runs_flow_created').execute();
  await db.schema.dropIndex('flows_merchant_kind_created').execute();
  await db.schema.alterTable('flows').dropColumn('kind').execute();
  await db.schema.alterTable('flow_versions').dropColumn('published_by').execute();
}
