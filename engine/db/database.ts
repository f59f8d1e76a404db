/**
 * Opens the database: a PostgreSQL server when a URL is given, otherwise an embedded
 * PGlite database in a folder (the zero-setup default of `npm start`).
 */
import { mkdirSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { log } from '../log';
import type { Database } from './schema';

export type Db = Kysely<Database>;

export interface DatabaseOptions {
  /** `postgres://…`; when absent, PGlite under `pgliteDir`. */
  readonly url?: string | undefined;
  readonly pgliteDir?: string | undefined;
  /** Connection pool size for a server (default 10). */
  readonly poolSize?: number;
}

// Return bigint (int8) and numeric counts as numbers: every count we read fits.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Opens a database. Close it with `db.destroy()`. */
export async function openDatabase(options: DatabaseOptions): Promise<Db> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection dropped by the server (a restart, a terminated backend) must not
    // crash the process: the pool replaces it on the next query.
    pool.on('error', (err) => log.warn('idle database connection failed', { err }));
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  }
  if (!options.pgliteDir) throw new Error('openDatabase needs a url or a pgliteDir');
  mkdirSync(options.pgliteDir, { recursive: true });
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('kysely-pglite-dialect'),
  ]);
  const pglite = new PGlite(options.pgliteDir, { parsers: { 20: (v: string) => Number(v) } });
  return new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
}
