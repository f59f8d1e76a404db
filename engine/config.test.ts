import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('applies the embedded defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      databaseUrl: undefined,
      dataDir: '.data',
      adminToken: undefined,
      databasePoolSize: 10,
      temporalAddress: undefined,
      temporalTls: undefined,
      temporalApiKey: undefined,
      workerActivities: 16,
      temporalNamespace: 'default',
      temporalCliPath: undefined,
      devServerPort: 7233,
      temporalUiUrl: undefined,
      postmarkServerToken: undefined,
      postmarkApiUrl: 'https://api.postmarkapp.com',
      postmarkBroadcastStream: 'broadcast',
      telegramApiUrl: 'https://api.telegram.org',
      postmarkTimeoutMs: 10_000,
      emailFrom: undefined,
      postmarkWebhookAuth: undefined,
      role: 'all',
      retention: { runDays: 180, eventDays: 400, everyHours: 6 },
      trustProxy: false,
      publicUrl: 'http://localhost:3000',
      apple: {
        passTypeId: undefined,
        teamId: undefined,
        certPath: undefined,
        keyPath: undefined,
        keyPassphrase: undefined,
        wwdrPath: undefined,
      },
      apnsUrl: 'https://api.push.apple.com',
      google: undefined,
    });
  });

  it('reads the wallet settings, the public URL without its trailing slash', () => {
    const config = loadConfig({
      PORT: '8080',
      STAMPFLOW_PUBLIC_URL: 'https://cards.cafe.example/',
      APPLE_PASS_TYPE_ID: 'pass.com.cafe.loyalty',
      APPLE_TEAM_ID: 'ABCDE12345',
      APPLE_PASS_CERT: '/secrets/pass.pem',
      APPLE_PASS_KEY: '/secrets/pass.key',
      APPLE_PASS_KEY_PASSPHRASE: 'secret',
      APPLE_WWDR_CERT: '/secrets/wwdr.pem',
      APNS_URL: 'https://api.sandbox.push.apple.com',
      GOOGLE_WALLET_ISSUER_ID: '3388000000012345678',
      GOOGLE_APPLICATION_CREDENTIALS: '/secrets/google.json',
      GOOGLE_WALLET_API_URL: 'http://127.0.0.1:9000/',
    });
    expect(config).toMatchObject({
      publicUrl: 'https://cards.cafe.example',
      apple: {
        passTypeId: 'pass.com.cafe.loyalty',
        teamId: 'ABCDE12345',
        certPath: '/secrets/pass.pem',
        keyPassphrase: 'secret',
      },
      apnsUrl: 'https://api.sandbox.push.apple.com',
      google: {
        issuerId: '3388000000012345678',
        credentialsPath: '/secrets/google.json',
        apiUrl: 'http://127.0.0.1:9000',
      },
    });
    // Without STAMPFLOW_PUBLIC_URL, phones are told the local port.
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
  });

  it('names the wallet variable that is malformed or missing', () => {
    expect(() => loadConfig({ STAMPFLOW_PUBLIC_URL: 'cards.cafe.example' })).toThrow(
      'STAMPFLOW_PUBLIC_URL must be an http:// or https:// URL',
    );
    expect(() => loadConfig({ APPLE_PASS_TYPE_ID: 'com.cafe' })).toThrow(
      'APPLE_PASS_TYPE_ID must be a pass type identifier',
    );
    expect(() => loadConfig({ APPLE_TEAM_ID: 'abc' })).toThrow('APPLE_TEAM_ID must be a 10-character Apple team id');
    expect(() => loadConfig({ APNS_URL: 'http://api.push.apple.com' })).toThrow('APNS_URL must be an https:// URL');
    expect(() => loadConfig({ GOOGLE_WALLET_ISSUER_ID: 'my-issuer' })).toThrow(
      'GOOGLE_WALLET_ISSUER_ID must be the numeric issuer id',
    );
    expect(() => loadConfig({ GOOGLE_WALLET_ISSUER_ID: '3388000000012345678' })).toThrow(
      'GOOGLE_WALLET_ISSUER_ID is set but GOOGLE_APPLICATION_CREDENTIALS is not',
    );
    // A service account for other Google tools does not turn Google Wallet on.
    expect(loadConfig({ GOOGLE_APPLICATION_CREDENTIALS: '/x.json' }).google).toBeUndefined();
  });

  it('reads every known variable', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/stampflow',
      STAMPFLOW_DATA_DIR: '/var/lib/stampflow',
      STAMPFLOW_ADMIN_TOKEN: 'a1b2'.repeat(4),
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_CLI_PATH: '/usr/local/bin/temporal',
      POSTMARK_SERVER_TOKEN: 'token',
      POSTMARK_API_URL: 'http://127.0.0.1:9999',
      POSTMARK_BROADCAST_STREAM: 'newsletters',
      POSTMARK_TIMEOUT_MS: '5000',
      STAMPFLOW_EMAIL_FROM: 'hello@cafe.example',
      STAMPFLOW_ROLE: 'worker',
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: 'postgresql://u:p@db:5432/stampflow',
      temporalAddress: 'temporal:7233',
      postmarkApiUrl: 'http://127.0.0.1:9999',
      postmarkTimeoutMs: 5000,
      emailFrom: 'hello@cafe.example',
      role: 'worker',
    });
  });

  it('treats an empty string as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '', STAMPFLOW_ROLE: '' })).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      role: 'all',
    });
  });

  it('rejects a Postmark timeout outside 1 to 60 seconds, naming the variable', () => {
    expect(() => loadConfig({ POSTMARK_TIMEOUT_MS: '500' })).toThrow(
      new ConfigError('POSTMARK_TIMEOUT_MS must be from 1000 to 60000 ms (got "500")'),
    );
  });

  it('refuses to keep events for less than the runs they count plus the longest goal window', () => {
    expect(() => loadConfig({ STAMPFLOW_RETENTION_RUN_DAYS: '365', STAMPFLOW_RETENTION_EVENT_DAYS: '400' })).toThrow(
      /STAMPFLOW_RETENTION_EVENT_DAYS must be at least STAMPFLOW_RETENTION_RUN_DAYS \+ 90/,
    );
    expect(loadConfig({ STAMPFLOW_RETENTION_RUN_DAYS: '30', STAMPFLOW_RETENTION_EVENT_DAYS: '120', STAMPFLOW_RETENTION_EVERY_HOURS: '0' }).retention).toEqual({
      runDays: 30,
      eventDays: 120,
      everyHours: 0,
    });
  });

  it('names the variable and the rule when PORT is not a number', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow(
      new ConfigError('PORT must be a whole number from 1 to 65535 (got "abc")'),
    );
  });

  it('rejects a PORT out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT must be a whole number from 1 to 65535 \(got "70000"\)/);
    expect(() => loadConfig({ PORT: '0' })).toThrow(/PORT must be a whole number/);
  });

  it('reads the Temporal UI URL without a trailing slash and rejects one that is not http(s)', () => {
    expect(loadConfig({ TEMPORAL_UI_URL: 'http://localhost:8233/' }).temporalUiUrl).toBe('http://localhost:8233');
    expect(() => loadConfig({ TEMPORAL_UI_URL: 'localhost:8233' })).toThrow(
      /TEMPORAL_UI_URL must be an http:\/\/ or https:\/\/ URL/,
    );
  });

  it('rejects a DATABASE_URL that is not a postgres URL', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/,
    );
  });

  it('rejects an admin token shorter than 16 characters', () => {
    expect(() => loadConfig({ STAMPFLOW_ADMIN_TOKEN: 'short' })).toThrow(/STAMPFLOW_ADMIN_TOKEN must be at least 16/);
  });

  it('rejects a TEMPORAL_ADDRESS without a port', () => {
    expect(() => loadConfig({ TEMPORAL_ADDRESS: 'localhost' })).toThrow(/TEMPORAL_ADDRESS must be host:port/);
  });

  it('rejects a POSTMARK_API_URL that is not http(s)', () => {
    expect(() => loadConfig({ POSTMARK_API_URL: 'ftp://x' })).toThrow(/POSTMARK_API_URL must be an http/);
  });

  it('rejects a sender that is not an email address', () => {
    expect(() => loadConfig({ STAMPFLOW_EMAIL_FROM: 'nobody' })).toThrow(
      /STAMPFLOW_EMAIL_FROM must be an email address/,
    );
  });

  it('rejects an unknown role', () => {
    expect(() => loadConfig({ STAMPFLOW_ROLE: 'both' })).toThrow(
      /STAMPFLOW_ROLE must be one of all, api, worker \(got "both"\)/,
    );
  });

  it('names an unknown STAMPFLOW_ variable and lists the known ones', () => {
    expect(() => loadConfig({ STAMPFLOW_FOO: '1' })).toThrow(
      /unknown variable STAMPFLOW_FOO; known: STAMPFLOW_DATA_DIR, STAMPFLOW_ADMIN_TOKEN/,
    );
  });

  it('ignores unrelated variables', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/bin' }).port).toBe(3000);
  });

  it('reads the production settings: pool size, worker activities', () => {
    const config = loadConfig({ DATABASE_POOL_SIZE: '40', STAMPFLOW_WORKER_ACTIVITIES: '32' });
    expect([config.databasePoolSize, config.workerActivities]).toEqual([40, 32]);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: '0' })).toThrow(
      'DATABASE_POOL_SIZE must be a whole number from 1 to 500 (got "0")',
    );
    expect(() => loadConfig({ STAMPFLOW_WORKER_ACTIVITIES: 'many' })).toThrow(
      'STAMPFLOW_WORKER_ACTIVITIES must be a whole number from 1 to 1000 (got "many")',
    );
  });

  it('turns TLS to Temporal on with a certificate, a CA, an API key or TEMPORAL_TLS=true', () => {
    const cloud = { TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233' };
    expect(loadConfig(cloud).temporalTls).toBeUndefined();
    expect(loadConfig({ ...cloud, TEMPORAL_TLS: 'true' }).temporalTls).toEqual({
      certPath: undefined,
      keyPath: undefined,
      caPath: undefined,
      serverName: undefined,
    });
    expect(
      loadConfig({ ...cloud, TEMPORAL_TLS_CERT: '/s/c.pem', TEMPORAL_TLS_KEY: '/s/k.pem' }).temporalTls,
    ).toMatchObject({
      certPath: '/s/c.pem',
      keyPath: '/s/k.pem',
    });
    const withKey = loadConfig({ ...cloud, TEMPORAL_API_KEY: 'secret' });
    expect([withKey.temporalApiKey, withKey.temporalTls !== undefined]).toEqual(['secret', true]);
  });

  it('names what is wrong with the TLS settings', () => {
    const cloud = { TEMPORAL_ADDRESS: 'my-ns.a1b2c.tmprl.cloud:7233' };
    expect(() => loadConfig({ ...cloud, TEMPORAL_TLS_CERT: '/s/c.pem' })).toThrow(
      'TEMPORAL_TLS_CERT is set but TEMPORAL_TLS_KEY is not: a client certificate needs its key',
    );
    expect(() => loadConfig({ ...cloud, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k' })).toThrow(
      /TEMPORAL_TLS is false but/,
    );
    expect(() => loadConfig({ ...cloud, TEMPORAL_TLS: 'yes' })).toThrow(
      'TEMPORAL_TLS must be true or false (got "yes")',
    );
    expect(() => loadConfig({ TEMPORAL_API_KEY: 'k' })).toThrow(/needs TEMPORAL_ADDRESS/);
  });
});

describe('secrets', () => {
  it('refuses the admin token old compose files defaulted to, and never prints a rejected secret', () => {
    for (const token of ['change-me-insecure-local-token', 'CHANGEME-please-1234', 'aaaaaaaaaaaaaaaaaaaa']) {
      let message = '';
      try {
        loadConfig({ STAMPFLOW_ADMIN_TOKEN: token });
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(/^STAMPFLOW_ADMIN_TOKEN must be a secret of your own/);
      expect(message).not.toContain(token);
    }
  });

  it('names a too-short secret by its length only', () => {
    expect(() => loadConfig({ STAMPFLOW_ADMIN_TOKEN: 'short-secret' })).toThrow(
      new ConfigError('STAMPFLOW_ADMIN_TOKEN must be at least 16 characters long (got a value of 12 characters, not shown)'),
    );
  });

  it('accepts a random token and reads the trust-proxy setting', () => {
    const config = loadConfig({ STAMPFLOW_ADMIN_TOKEN: '9f2c4e7a1b3d5f60a8c9e1d2', STAMPFLOW_TRUST_PROXY: 'true' });
    expect(config.adminToken).toBe('9f2c4e7a1b3d5f60a8c9e1d2');
    expect(config.trustProxy).toBe(true);
    expect(loadConfig({}).trustProxy).toBe(false);
  });
});


describe('TELEGRAM_API_URL', () => {
  it('points the Bot API at a stand-in, without its trailing slash, and refuses what is not a URL', () => {
    expect(loadConfig({ TELEGRAM_API_URL: 'http://127.0.0.1:8081/' }).telegramApiUrl).toBe('http://127.0.0.1:8081');
    expect(() => loadConfig({ TELEGRAM_API_URL: 'telegram' })).toThrow(/TELEGRAM_API_URL must be an http:\/\/ or https:\/\/ URL/);
  });
});
