/**
 * Vitest global setup: ONE Temporal dev server for the whole suite (in memory, headless,
 * on a free port of 127.0.0.1), its address provided to tests as `inject('temporalAddress')`.
 * With TEMPORAL_ADDRESS set, that server is used and nothing is started.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { TestProject } from 'vitest/node';
import { ensureEditorBuilt } from '../../server/editor-build';
import { ensureTemporalCli } from '../../server/temporal/cli-path';
import { writeTestCertificates } from './certs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `host:port` of the suite's Temporal frontend (namespace `default`). */
    temporalAddress: string;
    /** Why the editor build failed, or '' when `editor/dist` is up to date. */
    editorBuildError: string;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  // The browser tests load the built editor; build it when a source is newer than the build.
  // A failed build fails those tests (with the build's error), not the whole suite.
  const editorBuild = await ensureEditorBuilt(fileURLToPath(new URL('../..', import.meta.url))).then(
    () => '',
    (err: unknown) => (err instanceof Error ? err.message : String(err)),
  );
  project.provide('editorBuildError', editorBuild);
  // The wallet tests' certificates. Test processes start after this and inherit both
  // variables, so the real APNs client trusts the local APNs server through
  // NODE_EXTRA_CA_CERTS, as it would trust a corporate proxy's CA in production.
  const certsDir = mkdtempSync(join(tmpdir(), 'stampflow-test-certs-'));
  const certs = writeTestCertificates(certsDir);
  process.env.WALLET_TEST_CERTS = certsDir;
  process.env.NODE_EXTRA_CA_CERTS = certs.caPath;
  const removeCerts = () => rmSync(certsDir, { recursive: true, force: true });
  const existing = process.env.TEMPORAL_ADDRESS;
  if (existing) {
    project.provide('temporalAddress', existing);
    return async () => removeCerts();
  }

  const path = await ensureTemporalCli();
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path },
      ip: '127.0.0.1',
      namespace: 'default',
      ui: false,
      log: { format: 'pretty', level: 'warn' },
    },
  });
  project.provide('temporalAddress', env.address);
  const releaseGuard = guardAgainstOrphan(env.address);

  return async () => {
    releaseGuard();
    await env.teardown();
    removeCerts();
  };
}

/**
 * The SDK stops its server with SIGKILL in `teardown()`, which never runs when Vitest itself
 * is killed (a timeout, SIGTERM, a closed terminal): the server would then live on. On Linux,
 * a detached watchdog holding a pipe from this process stops the server when the pipe closes.
 */
function guardAgainstOrphan(address: string): () => void {
  const pid = process.platform === 'linux' ? findServerPid(address.slice(address.lastIndexOf(':') + 1)) : undefined;
  if (pid === undefined) return () => undefined;
  const watchdog = spawn(
    'bash',
    [
      '-c',
      'read -r _; kill -TERM "$1" 2>/dev/null || exit 0; for _ in 1 2 3 4 5 6 7 8 9 10; do sleep 1; kill -0 "$1" 2>/dev/null || exit 0; done; kill -KILL "$1" 2>/dev/null',
      'temporal-orphan-guard',
      String(pid),
    ],
    { detached: true, stdio: ['pipe', 'ignore', 'ignore'] },
  );
  watchdog.on('error', () => undefined);
  watchdog.stdin?.on('error', () => undefined);
  watchdog.unref();
  (watchdog.stdin as unknown as Socket | null)?.unref();
  return () => {
    watchdog.kill('SIGKILL');
  };
}

/** The pid of this process's child `temporal server start-dev … --port <port>`. */
function findServerPid(port: string): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== process.pid) continue;
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const portIndex = argv.indexOf('--port');
      if (argv.includes('start-dev') && portIndex >= 0 && argv[portIndex + 1] === port) return Number(entry);
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return undefined;
}
