import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { cachedCliPath, findTemporalCli } from '../server/temporal/cli-path';
import { getFreePort, startDevServer, type DevServer } from '../server/temporal/dev-server';

const dir = mkdtempSync(join(tmpdir(), 'stampflow-dev-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findTemporalCli', () => {
  it('uses TEMPORAL_CLI_PATH when it is an executable file, and only it', () => {
    const fake = join(dir, 'fake-temporal');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(findTemporalCli({ TEMPORAL_CLI_PATH: fake })).toBe(fake);
    expect(findTemporalCli({ TEMPORAL_CLI_PATH: join(dir, 'missing') })).toBeUndefined();
    chmodSync(fake, 0o644);
    expect(findTemporalCli({ TEMPORAL_CLI_PATH: fake })).toBeUndefined();
  });

  it('puts the cache under XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cachedCliPath({ XDG_CACHE_HOME: '/x' })).toBe('/x/stampflow/bin/temporal');
    expect(cachedCliPath({ HOME: '/home/me' })).toBe('/home/me/.cache/stampflow/bin/temporal');
  });
});

describe('startDevServer with a server that accepts connections but never answers', () => {
  it('gives up within its own start timeout instead of hanging on the calls', async () => {
    // A stand-in `temporal` that binds the frontend port it is given and then says nothing:
    // TCP connects, gRPC never answers. (The dev server's own start can look like this.)
    const silent = join(dir, 'silent-temporal');
    writeFileSync(
      silent,
      `#!${process.execPath}\nconst port = Number(process.argv[process.argv.indexOf('--port') + 1]);\n` +
        `require('node:net').createServer(() => {}).listen(port, '127.0.0.1');\nsetInterval(() => {}, 1000);\n`,
    );
    chmodSync(silent, 0o755);
    const started = Date.now();
    await expect(startDevServer({ cliPath: silent, port: await getFreePort(), startTimeoutMs: 3_000, stopTimeoutMs: 2_000 })).rejects.toThrow(
      /did not become ready at 127\.0\.0\.1:\d+ within 3000 ms/,
    );
    // The deadline holds: not the minutes a call without one waits.
    expect(Date.now() - started).toBeLessThan(3_000 + 5_000);
  });
});

const cliPath = findTemporalCli();

async function reachable(address: string): Promise<Client> {
  const connection = await Connection.connect({ address, connectTimeout: 5_000 });
  const info = await connection.workflowService.getSystemInfo({});
  expect(info.serverVersion).toBeTruthy();
  return new Client({ connection, namespace: 'default' });
}

describe.skipIf(!cliPath)('startDevServer', () => {
  it('keeps its state in the db file across a restart on the same port', async () => {
    const dbFilename = join(dir, 'temporal.db');
    let server: DevServer | undefined = await startDevServer({ cliPath: cliPath!, dbFilename });
    try {
      expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
      const { port } = server;

      // A run with no worker: it just stays open, which is all we need to see it survive.
      let client = await reachable(server.address);
      const workflowId = `dev-server-restart-${Date.now()}`;
      await client.workflow.start('noSuchWorkflow', { taskQueue: 'dev-server-test', workflowId });
      await client.connection.close();

      await server.stop();
      expect(await server.exited).toEqual({ code: 0, signal: null });
      server = undefined;

      server = await startDevServer({ cliPath: cliPath!, dbFilename, port });
      expect(server.address).toBe(`127.0.0.1:${port}`);
      client = await reachable(server.address);
      const described = await client.workflow.getHandle(workflowId).describe();
      expect(described.status.name).toBe('RUNNING');
      await client.workflow.getHandle(workflowId).terminate('test done');
      await client.connection.close();
    } finally {
      await server?.stop();
    }
  });

  it('fails clearly, naming the port, when the port is taken', async () => {
    const port = await getFreePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      await expect(startDevServer({ cliPath: cliPath!, port, startTimeoutMs: 20_000 })).rejects.toThrow(
        `the frontend port 127.0.0.1:${port} is taken`,
      );
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('never takes another Temporal server on its port for its own (two `npm start`s would share one task queue)', async () => {
    const taken = Number(inject('temporalAddress').split(':').at(-1));
    await expect(startDevServer({ cliPath: cliPath!, port: taken, startTimeoutMs: 20_000 })).rejects.toThrow(
      `the frontend port 127.0.0.1:${taken} is taken`,
    );
  });
});
