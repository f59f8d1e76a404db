/**
 * The flow kind of a flow drawn in the editor is `drawn`, no longer `journey`: a broadcast
 * drawn on the canvas is no journey. Kinds say where a flow was made (`drawn` in the
 * editor, `campaign` from the campaign form), never when it runs. `GET /v1/flows?kind=journey`
 * still answers the drawn flows (a legacy alias). Takes `Kysely<any>` and imports no app code.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table flows alter column kind set default 'drawn'`.execute(db);
  await sql`update flows set kind = 'drawn' where kind = 'journey'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table flows alter column kind set default 'journey'`.execute(db);
  await sql`update flows set kind = 'journey' where kind = 'drawn'`.execute(db);
}
