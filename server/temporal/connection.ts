/**
 * How every process of ours reaches Temporal: the address, plus TLS and an API key when the
 * configuration asks for them (Temporal Cloud, or a self-hosted cluster behind TLS). The same
 * options serve the client (`Connection`) and the worker (`NativeConnection`).
 */
import { readFileSync } from 'node:fs';
import { ConfigError, type Config } from '../../engine/config';

export interface TemporalConnectionOptions {
  readonly address: string;
  readonly tls?: {
    serverNameOverride?: string;
    serverRootCACertificate?: Buffer;
    clientCertPair?: { crt: Buffer; key: Buffer };
  };
  readonly apiKey?: string;
}

type TemporalSettings = Pick<Config, 'temporalTls' | 'temporalApiKey'>;

/** The connection options for `address`; a certificate file that cannot be read is a ConfigError naming its variable. */
export function temporalConnectionOptions(config: TemporalSettings, address: string): TemporalConnectionOptions {
  const tls = config.temporalTls;
  if (!tls) return { address };
  const file = (variable: string, path: string): Buffer => {
    try {
      return readFileSync(path);
    } catch (err) {
      throw new ConfigError(`${variable} (${path}) cannot be read: ${(err as Error).message}`);
    }
  };
  return {
    address,
    tls: {
      ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
      ...(tls.caPath ? { serverRootCACertificate: file('TEMPORAL_TLS_CA', tls.caPath) } : {}),
      ...(tls.certPath && tls.keyPath
        ? {
            clientCertPair: {
              crt: file('TEMPORAL_TLS_CERT', tls.certPath),
              key: file('TEMPORAL_TLS_KEY', tls.keyPath),
            },
          }
        : {}),
    },
    ...(config.temporalApiKey ? { apiKey: config.temporalApiKey } : {}),
  };
}
