/**
 * Where the Temporal CLI (the dev server's executable) lives, and how to get it when it is
 * missing: `scripts/install-temporal.sh` builds it from source with `go install`.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The work tree's root (this file is `engine/temporal/cli-path.ts`). */
export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));

/** The script that builds the CLI into the cache. */
export const installScript: string = join(repoRoot, 'scripts', 'install-temporal.sh');

type Env = Record<string, string | undefined>;

/** `$XDG_CACHE_HOME/stampflow/bin/temporal`, or `~/.cache/stampflow/bin/temporal`. */
export function cachedCliPath(env: Env = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'stampflow', 'bin', 'temporal');
}

function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK); // follows symlinks: a dangling link is not executable
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The Temporal CLI to use: `TEMPORAL_CLI_PATH` when set (and only it: a wrong explicit path
 * is not papered over), else `.tools/bin/temporal` in the work tree, else the cache path.
 * Undefined when none is an executable file.
 */
export function findTemporalCli(env: Env = process.env): string | undefined {
  const explicit = env.TEMPORAL_CLI_PATH;
  if (explicit) return isExecutableFile(explicit) ? explicit : undefined;
  const candidates = [join(repoRoot, '.tools', 'bin', 'temporal'), cachedCliPath(env)];
  return candidates.find(isExecutableFile);
}

const help =
  'Install Go (>= 1.25) and run `npm run temporal:install`, or set TEMPORAL_CLI_PATH to a Temporal CLI ' +
  'binary, or set TEMPORAL_ADDRESS to a running Temporal server.';

/**
 * Returns the Temporal CLI's path, building it first (`scripts/install-temporal.sh`, its
 * output shown on this process's terminal) when it is missing. Throws a clear error when
 * it cannot.
 */
export async function ensureTemporalCli(env: Env = process.env): Promise<string> {
  const found = findTemporalCli(env);
  if (found) return found;
  if (env.TEMPORAL_CLI_PATH) {
    throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file. ${help}`);
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [installScript], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: 'inherit' });
    child.once('error', (err) =>
      reject(new Error(`could not run ${installScript}: ${err.message}. ${help}`, { cause: err })),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${installScript} failed (${signal ?? `exit code ${code}`}). ${help}`));
    });
  });
  const installed = findTemporalCli(env);
  if (!installed) throw new Error(`${installScript} finished but no Temporal CLI was found. ${help}`);
  return installed;
}
