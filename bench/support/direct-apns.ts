/**
 * The `wallet` baseline: the same APNs sender pushing the same tokens from one Node process,
 * with no workflow and no ledger (`direct-apns-cli.ts`). It runs as a child because the
 * sender trusts the local APNs server's CA through NODE_EXTRA_CA_CERTS, which Node reads
 * only at start-up (and the CA is made during the benchmark); like the worker, it then
 * shares no event loop with the bench process.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { TestCertificates } from '../../test/support/certs';

const CLI = fileURLToPath(new URL('./direct-apns-cli.ts', import.meta.url));

export interface DirectPushes {
  /** From the first push to the last answer, inside the child (start-up excluded). */
  readonly seconds: number;
  readonly sent: number;
  readonly outcomes: Record<string, number>;
  /** CPU time of the pushing process over `seconds`. */
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
}

export async function pushDirect(
  certs: TestCertificates,
  apnsUrl: string,
  tokens: readonly string[],
): Promise<DirectPushes> {
  const file = join(certs.dir, 'direct-tokens.txt');
  writeFileSync(file, tokens.join('\n'));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', CLI, '--certs', certs.dir, '--tokens', file, '--url', apnsUrl],
    { env: { ...process.env, NODE_EXTRA_CA_CERTS: certs.caPath }, maxBuffer: 1 << 20 },
  ).catch((err: unknown) => {
    const e = err as { code?: unknown; signal?: unknown; stdout?: string; stderr?: string };
    throw new Error(
      `direct pushes exited with ${String(e.code)} (signal ${String(e.signal)}):\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
    );
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as DirectPushes;
}
