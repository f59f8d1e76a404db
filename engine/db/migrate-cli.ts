/**
 * `npm run db:migrate`: brings the database of this configuration (DATABASE_URL, or the
 * embedded PGlite database in STAMPFLOW_DATA_DIR) up to the latest schema. `npm start`
 * does the same on every start; this is for deploys that migrate as a separate step.
 */
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { log } from '../log';
import { openDatabase } from './database';
import { migrateToLatest } from './migrate';

try {
  const config = loadConfig();
  const db = await openDatabase({ url: config.databaseUrl, pgliteDir: join(config.dataDir, 'pglite') });
  try {
    await migrateToLatest(db);
    log.info('database is up to date', { database: config.databaseUrl ? 'server' : 'pglite' });
  } finally {
    await db.destroy();
  }
} catch (err) {
  if (err instanceof ConfigError) process.stderr.write(`Configuration error: ${err.message}\n`);
  else log.error('migration failed', { err });
  process.exitCode = 1;
}
