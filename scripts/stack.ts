/**
 * `npm run stack [-- --workers N]`: the production shape on this machine (server/stack):
 * a Temporal server on Postgres, Stampflow's API and N workers, each a separate process whose
 * output lines carry its name. Ctrl-C stops them all: workers and API first, then Temporal.
 *
 * Options: --workers N (default 2), --port P (API, default 3000), --temporal-port P (default
 * 7233). DATABASE_URL (default postgres://postgres@127.0.0.1:5432/stampflow) names
 * Stampflow's database, created when missing; Temporal's databases `temporal` and
 * `temporal_visibility` live on the same server. Every other setting (POSTMARK_*, APPLE_*, …)
 * passes through to the API and the workers.
 */
import { parseArgs } from 'node:util';
import { openDatabase } from '../engine/db/database';
import { migrateToLatest } from '../engine/db/migrate';
import { seedDemo } from '../server/seed';
import { startStack } from '../server/stack/stack';
import { ensureTemporalServer } from '../server/temporal/cli-path';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/stampflow';

function wholeNumber(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return n;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '2' },
      port: { type: 'string', default: process.env.PORT || '3000' },
      'temporal-port': { type: 'string', default: '7233' },
    },
  });
  const workers = wholeNumber('workers', values.workers, 1, 32);
  const apiPort = wholeNumber('port', values.port, 1, 65535);
  const temporalPort = wholeNumber('temporal-port', values['temporal-port'], 1024, 65000);
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  const dataDir = process.env.STAMPFLOW_DATA_DIR || '.data/stack';
  const say = (text: string) => process.stdout.write(`${'stack'.padEnd(10)}| ${text}\n`);

  say(`Temporal server on Postgres (${new URL(databaseUrl).host}), the API and ${workers} worker(s)`);
  const binaries = await ensureTemporalServer();
  const stack = await startStack({
    binaries,
    databaseUrl,
    workers,
    apiPort,
    temporalPort,
    namespace: process.env.TEMPORAL_NAMESPACE || 'default',
    env: { STAMPFLOW_DATA_DIR: dataDir },
    output: (line) => process.stdout.write(line + '\n'),
  });

  // A merchant to sign in as, as `npm start` makes one (kept in the data dir).
  const db = await openDatabase({ url: databaseUrl });
  await migrateToLatest(db);
  const demo = await seedDemo(db, { dataDir });
  await db.destroy();

  const url = `http://localhost:${apiPort}`;
  say('');
  say(`Stampflow (production shape) is up: ${url}`);
  say(`Temporal frontend:  ${stack.temporalAddress} (namespace ${stack.namespace}), state in Postgres`);
  say(
    `Processes:          api ${stack.api().pid}, ${stack
      .workers()
      .map((w) => `${w.name} ${w.pid}`)
      .join(', ')}`,
  );
  if (demo?.login) say(`Sign in:            ${url}/  as ${demo.login.email} / ${demo.login.password}`);
  if (demo) say(`Demo API key:       ${demo.apiKey}`);
  else say(`Sign in:            ${url}/  with an account of this database (the demo merchant was made elsewhere)`);
  say('Ctrl-C stops everything.');
  say('');

  for (const app of [stack.api(), ...stack.workers()]) {
    void app.exited.then((exit) => {
      if (!stopping) say(`${app.name} exited (${exit.signal ?? `exit code ${exit.code}`}); the others keep running`);
    });
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping the workers and the API, then Temporal`);
    await stack.stop();
    say('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  process.stderr.write(`stack: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
