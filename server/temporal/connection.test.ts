import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../engine/config';
import { temporalConnectionOptions } from './connection';

const dir = mkdtempSync(join(tmpdir(), 'stampflow-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('temporalConnectionOptions', () => {
  const address = 'my-ns.a1b2c.tmprl.cloud:7233';

  it('is the address alone without TLS settings', () => {
    expect(temporalConnectionOptions(loadConfig({ TEMPORAL_ADDRESS: address }), address)).toEqual({ address });
  });

  it('reads the client certificate pair, the CA and the server name from their files', () => {
    for (const [name, text] of [
      ['c.pem', 'CERT'],
      ['k.pem', 'KEY'],
      ['ca.pem', 'CA'],
    ])
      writeFileSync(join(dir, name!), text!);
    const config = loadConfig({
      TEMPORAL_ADDRESS: address,
      TEMPORAL_TLS_CERT: join(dir, 'c.pem'),
      TEMPORAL_TLS_KEY: join(dir, 'k.pem'),
      TEMPORAL_TLS_CA: join(dir, 'ca.pem'),
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    const options = temporalConnectionOptions(config, address);
    expect(options.tls?.clientCertPair?.crt.toString()).toBe('CERT');
    expect(options.tls?.clientCertPair?.key.toString()).toBe('KEY');
    expect(options.tls?.serverRootCACertificate?.toString()).toBe('CA');
    expect(options.tls?.serverNameOverride).toBe('temporal.internal');
    expect(options.apiKey).toBeUndefined();
  });

  it('passes an API key over TLS with the system CAs', () => {
    const options = temporalConnectionOptions(
      loadConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_API_KEY: 'key' }),
      address,
    );
    expect(options).toEqual({ address, tls: {}, apiKey: 'key' });
  });

  it('names the variable whose file cannot be read', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS_CA: join(dir, 'missing.pem') });
    expect(() => temporalConnectionOptions(config, address)).toThrow(ConfigError);
    expect(() => temporalConnectionOptions(config, address)).toThrow(
      /^TEMPORAL_TLS_CA \(.*missing\.pem\) cannot be read/,
    );
  });
});
