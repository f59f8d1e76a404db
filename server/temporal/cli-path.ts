/**
 * Where the Temporal binaries live, and how to get them when they are missing:
 * `scripts/install-temporal.sh` builds them from source with `go install` — the CLI (the dev
 * server's executable) and, for the production shape, the server and its schema tool.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The work tree's root (this file is `server/temporal/cli-path.ts`). */
export const repoRoot: string = fileURLToPath(new URL('../../', import.meta.url));

/** The script that builds the binaries into the cache. */
export const installScript: string = join(repoRoot, 'scripts', 'install-temporal.sh');

type Env = Record<string, string | undefined>;

/** `$XDG_CACHE_HOME/stampflow/bin/<name>`, or `~/.cache/stampflow/bin/<name>`. */
export function cachedBinaryPath(name: string, env: Env = process.env): string {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(cacheHome, 'stampflow', 'bin', name);
}

/** `$XDG_CACHE_HOME/stampflow/bin/temporal`, or `~/.cache/stampflow/bin/temporal`. */
export function cachedCliPath(env: Env = process.env): string {
  return cachedBinaryPath('temporal', env);
}

/** `.tools/bin/<name>` in the work tree, else the cache path; undefined when neither is executable. */
function findBinary(name: string, env: Env): string | undefined {
  return [join(repoRoot, '.tools', 'bin', name), cachedBinaryPath(name, env)].find(isExecutableFile);
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
  return findBinary('temporal', env);
}

const help =
  'Install Go (>= 1.25) and run `npm run temporal:install`, or set TEMPORAL_CLI_PATH to a Temporal CLI ' +
  'binary, or set TEMPORAL_ADDRESS to a running Temporal server.';

/** Runs `scripts/install-temporal.sh <target>`, its output shown on this process's terminal. */
function runInstall(target: 'cli' | 'server', env: Env, help: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn('bash', [installScript, target], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: 'inherit',
    });
    child.once('error', (err) =>
      reject(new Error(`could not run ${installScript}: ${err.message}. ${help}`, { cause: err })),
    );
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${installScript} ${target} failed (${signal ?? `exit code ${code}`}). ${help}`));
    });
  });
}

/**
 * Returns the Temporal CLI's path, building it first when it is missing. Throws a clear
 * error when it cannot.
 */
export async function ensureTemporalCli(env: Env = process.env): Promise<string> {
  const found = findTemporalCli(env);
  if (found) return found;
  if (env.TEMPORAL_CLI_PATH) {
    throw new Error(`TEMPORAL_CLI_PATH=${env.TEMPORAL_CLI_PATH} is not an executable file. ${help}`);
  }
  await runInstall('cli', env, help);
  const installed = findTemporalCli(env);
  if (!installed) throw new Error(`${installScript} finished but no Temporal CLI was found. ${help}`);
  return installed;
}

/** The Temporal server and its schema tool, for the production shape on Postgres. */
export interface TemporalServerBinaries {
  readonly server: string;
  readonly sqlTool: string;
}

const serverHelp = 'Install Go (>= 1.25) and run `npm run temporal:install -- server` (a few minutes, once).';

/** The server binaries when both are built; undefined otherwise. */
export function findTemporalServer(env: Env = process.env): TemporalServerBinaries | undefined {
  const server = findBinary('temporal-server', env);
  const sqlTool = findBinary('temporal-sql-tool', env);
  return server && sqlTool ? { server, sqlTool } : undefined;
}

/** Returns the server binaries, building them first (`install-temporal.sh server`) when missing. */
export async function ensureTemporalServer(env: Env = process.env): Promise<TemporalServerBinaries> {
  const found = findTemporalServer(env);
  if (found) return found;
  await runInstall('server', env, serverHelp);
  const installed = findTemporalServer(env);
  if (!installed) throw new Error(`${installScript} server finished but the binaries were not found. ${serverHelp}`);
  return installed;
}
