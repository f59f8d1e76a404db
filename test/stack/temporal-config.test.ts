/**
 * The Temporal server's config (deploy/temporal/stampflow.yaml) as the server itself renders
 * it, with the settings of this machine's stack and of docker-compose.yml, and the compose
 * file running the server from that same config.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTemporalServer, repoRoot, type TemporalServerBinaries } from '../../server/temporal/cli-path';
import { CONFIG_DIR } from '../../server/temporal/temporal-server';

let binaries: TemporalServerBinaries;
beforeAll(async () => {
  binaries = await ensureTemporalServer();
}, 600_000);

/** `temporal-server render-config` (which reads the config dir relative to its cwd). */
async function render(env: Record<string, string>): Promise<string> {
  const { stdout } = await promisify(execFile)(
    binaries.server,
    ['--config', '.', '--env', 'stampflow', 'render-config'],
    {
      cwd: CONFIG_DIR,
      env: { PATH: process.env.PATH ?? '', ...env },
    },
  );
  return stdout;
}

const values = (text: string, key: string) =>
  [...text.matchAll(new RegExp(`^\\s*${key}: (.*)$`, 'gm'))].map((m) => m[1]);

describe('deploy/temporal/stampflow.yaml', () => {
  it('renders with the defaults: the local Postgres, loopback, the frontend on 7233 and the services above it', async () => {
    const text = await render({});
    expect(values(text, 'connectAddr')).toEqual(['127.0.0.1:5432', '127.0.0.1:5432']);
    expect(values(text, 'databaseName')).toEqual(['temporal', 'temporal_visibility']);
    expect(values(text, 'grpcPort').sort()).toEqual(['7233', '7234', '7235', '7239']);
    expect(new Set(values(text, 'bindOnIP'))).toEqual(new Set(['127.0.0.1']));
    expect(values(text, 'numHistoryShards')).toEqual(['4']);
  });

  it("renders with docker-compose.yml's settings", async () => {
    const text = await render({
      TEMPORAL_DB_HOST: 'postgres',
      TEMPORAL_DB_USER: 'stampflow',
      TEMPORAL_DB_PASSWORD: 'secret',
      TEMPORAL_BIND_IP: '172.18.0.4',
      TEMPORAL_HISTORY_SHARDS: '16',
      TEMPORAL_DYNAMIC_CONFIG: '/etc/stampflow-temporal/dynamicconfig.yaml',
    });
    expect(values(text, 'connectAddr')).toEqual(['postgres:5432', 'postgres:5432']);
    expect(values(text, 'user')).toEqual(['stampflow', 'stampflow']);
    expect(new Set(values(text, 'bindOnIP'))).toEqual(new Set(['172.18.0.4']));
    expect(values(text, 'rpcAddress')).toEqual(['172.18.0.4:7233']);
    expect(values(text, 'numHistoryShards')).toEqual(['16']);
    expect(values(text, 'filepath')).toEqual(['/etc/stampflow-temporal/dynamicconfig.yaml']);
  });

  it('is the config the compose file runs the server and its schema script with', () => {
    const compose = readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8');
    expect(compose.match(/\.\/deploy\/temporal:\/etc\/stampflow-temporal:ro/g)?.length).toBe(2);
    expect(compose).toContain(
      'temporal-server --root /etc/stampflow-temporal --config . --env stampflow --allow-no-auth start',
    );
    expect(compose).toContain('entrypoint: ["sh", "/etc/stampflow-temporal/schema.sh"]');
  });
});
