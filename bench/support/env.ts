/**
 * The real stack for a benchmark: a fresh database on the Postgres server with seeded
 * card holders, the local Postmark server with a provider-like latency, and a Temporal
 * dev server of its own (in memory).
 */
import { startPostmarkServer, type PostmarkServer } from '../../test/postmark-server';
import { createTestDatabase } from '../../test/support/database';
import { seedCustomers, seedMerchant, type SeededMerchant } from '../../test/support/seed';
import type { Db } from '../../engine/db/database';
import { ensureTemporalCli } from '../../server/temporal/cli-path';
import { startDevServer } from '../../server/temporal/dev-server';

export const POSTMARK_TOKEN = 'bench-server-token';
export const LATENCY_MS = Number(process.env.BENCH_PROVIDER_LATENCY_MS ?? 20);

export interface BenchEnv {
  readonly db: Db;
  readonly dbUrl: string;
  readonly merchant: SeededMerchant;
  readonly postmark: PostmarkServer;
  readonly temporalAddress: string;
  /** The Temporal dev server's process, for CPU breakdowns. */
  readonly temporalPid: number;
  stop(): Promise<void>;
}

export async function startBenchEnv(customers: number): Promise<BenchEnv> {
  const database = await createTestDatabase();
  const merchant = await seedMerchant(database.db, 'Bench Café');
  process.stderr.write(`bench: seeding ${customers} card holders…\n`);
  await seedCustomers(database.db, merchant, customers);
  const postmark = await startPostmarkServer({ token: POSTMARK_TOKEN, latencyMs: LATENCY_MS });
  const temporal = await startDevServer({ cliPath: await ensureTemporalCli(), uiPort: false });
  return {
    db: database.db,
    dbUrl: database.url,
    merchant,
    postmark,
    temporalAddress: temporal.address,
    temporalPid: temporal.pid,
    async stop() {
      await temporal.stop();
      await postmark.close();
      await database.drop();
    },
  };
}
