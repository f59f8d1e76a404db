/**
 * Process configuration from environment variables, validated once at start-up so a
 * typo fails loudly with the variable's name instead of surfacing later as a strange
 * runtime error. An empty string counts as unset.
 */
import { z } from 'zod';

export type Role = 'all' | 'api' | 'worker';

/** The validated configuration. Optional fields are `undefined` when unset. */
export interface Config {
  readonly port: number;
  /** Postgres server URL; unset means the embedded PGlite database under `dataDir`. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Enables `POST /v1/merchants`; at least 16 characters. */
  readonly adminToken: string | undefined;
  /** Connections per process to the Postgres server (default 10). */
  readonly databasePoolSize: number;
  /** `host:port` of a Temporal frontend; unset means the embedded dev server. */
  readonly temporalAddress: string | undefined;
  /** TLS to the Temporal frontend (Temporal Cloud, a self-hosted cluster with TLS); unset: plain gRPC. */
  readonly temporalTls:
    | {
        /** Client certificate and key files (mTLS), together or not at all. */
        readonly certPath: string | undefined;
        readonly keyPath: string | undefined;
        /** CA file for a server certificate no public CA signed. */
        readonly caPath: string | undefined;
        readonly serverName: string | undefined;
      }
    | undefined;
  /** Temporal Cloud API key (implies TLS). */
  readonly temporalApiKey: string | undefined;
  /** Activities one worker process runs at once (default 16). */
  readonly workerActivities: number;
  readonly temporalNamespace: string;
  readonly temporalCliPath: string | undefined;
  /** The embedded dev server's port (default 7233); its web UI is on this port + 1000. */
  readonly devServerPort: number;
  /** The Temporal web UI (`http://localhost:8233`); runs link their workflow there. Unset: no links. */
  readonly temporalUiUrl: string | undefined;
  /** Unset means emails go to the local outbox. */
  readonly postmarkServerToken: string | undefined;
  readonly postmarkApiUrl: string;
  readonly postmarkBroadcastStream: string;
  /** The Telegram Bot API's base URL (default https://api.telegram.org); tests point it at a stand-in. */
  readonly telegramApiUrl: string;
  /** Per Postmark call (default 10 s): how long a hung call holds up its page. */
  readonly postmarkTimeoutMs: number;
  readonly emailFrom: string | undefined;
  /** `user:password` Postmark sends on webhooks (basic auth); unset: `/webhooks/postmark` answers 503. */
  readonly postmarkWebhookAuth: { readonly user: string; readonly password: string } | undefined;
  readonly role: Role;
  /** History kept (engine/retention): runs summarised `runDays` after they finish, events kept `eventDays`; every `everyHours` (0: never). */
  readonly retention: { readonly runDays: number; readonly eventDays: number; readonly everyHours: number };
  /** The base URL phones and customers reach (wallet pages, the PassKit web service); no trailing slash. */
  readonly publicUrl: string;
  /** `STAMPFLOW_TRUST_PROXY`: believe X-Forwarded-For / X-Forwarded-Proto from our own proxy. */
  readonly trustProxy: boolean;
  /** File paths; all unset means a development signer under `dataDir` (see engine/wallet/apple-credentials.ts). */
  readonly apple: {
    readonly passTypeId: string | undefined;
    readonly teamId: string | undefined;
    readonly certPath: string | undefined;
    readonly keyPath: string | undefined;
    readonly keyPassphrase: string | undefined;
    readonly wwdrPath: string | undefined;
  };
  readonly apnsUrl: string;
  /** Set when GOOGLE_WALLET_ISSUER_ID is: Google Wallet objects and messages. */
  readonly google: { readonly issuerId: string; readonly credentialsPath: string; readonly apiUrl: string } | undefined;
}

/** A configuration value is malformed; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const isUrl = (value: string, protocols: readonly string[]): boolean => {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const optional = (schema: z.ZodType<string>) => schema.optional();

/** An http(s) URL without its trailing slashes. */
function httpUrl(protocols: readonly string[] = ['http:', 'https:']) {
  const names = protocols.map((p) => `${p}//`).join(' or ');
  return z
    .string()
    .refine((v) => isUrl(v, protocols), `be an ${names} URL`)
    .transform((v) => v.replace(/\/+$/, ''));
}

/** A whole number from `min` to `max`, written in decimal. */
function wholeNumber(min: number, max: number) {
  const rule = `be a whole number from ${min} to ${max}`;
  return z.string().regex(/^\d+$/, rule).transform(Number).pipe(z.number().int().min(min, rule).max(max, rule));
}

/** Each known variable with its rule; the message completes "<NAME> must be …". */
const variables = {
  PORT: z
    .string()
    .regex(/^\d+$/, 'be a whole number from 1 to 65535')
    .transform(Number)
    .pipe(z.number().int().min(1, 'be a whole number from 1 to 65535').max(65535, 'be a whole number from 1 to 65535'))
    .default(3000),
  DATABASE_URL: optional(
    z.string().refine((v) => isUrl(v, ['postgres:', 'postgresql:']), 'be a postgres:// or postgresql:// URL'),
  ),
  DATABASE_POOL_SIZE: wholeNumber(1, 500).default(10),
  STAMPFLOW_DATA_DIR: z.string().default('.data'),
  STAMPFLOW_ADMIN_TOKEN: optional(
    z
      .string()
      .min(16, 'be at least 16 characters long')
      .refine((v) => !isPlaceholderSecret(v), 'be a secret of your own, not an example value (e.g. openssl rand -hex 24)'),
  ),
  TEMPORAL_ADDRESS: optional(z.string().regex(/^[^\s:/]+:\d{1,5}$/, 'be host:port, e.g. localhost:7233')),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TLS: z.enum(['true', 'false'], 'be true or false').optional(),
  TEMPORAL_TLS_CERT: optional(z.string()),
  TEMPORAL_TLS_KEY: optional(z.string()),
  TEMPORAL_TLS_CA: optional(z.string()),
  TEMPORAL_TLS_SERVER_NAME: optional(z.string()),
  TEMPORAL_API_KEY: optional(z.string()),
  STAMPFLOW_WORKER_ACTIVITIES: wholeNumber(1, 1000).default(16),
  STAMPFLOW_RETENTION_RUN_DAYS: wholeNumber(1, 36500).default(180),
  STAMPFLOW_RETENTION_EVENT_DAYS: wholeNumber(1, 36500).default(400),
  STAMPFLOW_RETENTION_EVERY_HOURS: wholeNumber(0, 168).default(6),
  TEMPORAL_CLI_PATH: optional(z.string()),
  STAMPFLOW_TEMPORAL_PORT: z
    .string()
    .regex(/^\d+$/, 'be a whole number from 1024 to 64535')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1024, 'be a whole number from 1024 to 64535')
        .max(64535, 'be a whole number from 1024 to 64535'),
    )
    .default(7233),
  TEMPORAL_UI_URL: optional(
    z
      .string()
      .refine((v) => isUrl(v, ['http:', 'https:']), 'be an http:// or https:// URL')
      .transform((v) => v.replace(/\/+$/, '')),
  ),
  POSTMARK_SERVER_TOKEN: optional(z.string()),
  POSTMARK_API_URL: z
    .string()
    .refine((v) => isUrl(v, ['http:', 'https:']), 'be an http:// or https:// URL')
    .default('https://api.postmarkapp.com'),
  POSTMARK_BROADCAST_STREAM: z.string().default('broadcast'),
  TELEGRAM_API_URL: httpUrl().default('https://api.telegram.org'),
  POSTMARK_TIMEOUT_MS: z
    .string()
    .regex(/^\d+$/, 'be a whole number of milliseconds from 1000 to 60000')
    .transform(Number)
    .pipe(z.number().int().min(1000, 'be from 1000 to 60000 ms').max(60000, 'be from 1000 to 60000 ms'))
    .default(10_000),
  STAMPFLOW_EMAIL_FROM: optional(z.email('be an email address')),
  POSTMARK_WEBHOOK_AUTH: optional(
    z.string().regex(/^[^:\s]+:\S{12,}$/, 'be user:password with a password of at least 12 characters'),
  ),
  STAMPFLOW_ROLE: z.enum(['all', 'api', 'worker'], 'be one of all, api, worker').default('all'),
  STAMPFLOW_TRUST_PROXY: z.enum(['true', 'false'], 'be true or false').default('false'),
  STAMPFLOW_PUBLIC_URL: optional(httpUrl()),
  // Read by server/api/access-log.ts; listed so a typo in it is caught like any other.
  STAMPFLOW_ACCESS_LOG: z.enum(['on', 'off'], 'be on or off').default('on'),
  APPLE_PASS_TYPE_ID: optional(
    z.string().regex(/^pass\.[\w.-]+$/, 'be a pass type identifier such as pass.com.example.loyalty'),
  ),
  APPLE_TEAM_ID: optional(z.string().regex(/^[A-Z0-9]{10}$/, 'be a 10-character Apple team id such as ABCDE12345')),
  APPLE_PASS_CERT: optional(z.string()),
  APPLE_PASS_KEY: optional(z.string()),
  APPLE_PASS_KEY_PASSPHRASE: optional(z.string()),
  APPLE_WWDR_CERT: optional(z.string()),
  APNS_URL: httpUrl(['https:']).default('https://api.push.apple.com'),
  GOOGLE_WALLET_ISSUER_ID: optional(
    z.string().regex(/^\d+$/, 'be the numeric issuer id from the Google Pay & Wallet Console'),
  ),
  GOOGLE_APPLICATION_CREDENTIALS: optional(z.string()),
  GOOGLE_WALLET_API_URL: httpUrl().default('https://walletobjects.googleapis.com'),
} as const;

type VariableName = keyof typeof variables;

/** Variables whose values are secrets: an error about them never prints the value. */
const SECRETS: ReadonlySet<VariableName> = new Set([
  'STAMPFLOW_ADMIN_TOKEN',
  'TEMPORAL_API_KEY',
  'POSTMARK_SERVER_TOKEN',
  'POSTMARK_WEBHOOK_AUTH',
  'APPLE_PASS_KEY_PASSPHRASE',
  'DATABASE_URL',
]);

/** Example values from older compose files and docs, and the obvious ones: refused as secrets. */
const PLACEHOLDER_SECRETS = ['change-me-insecure-local-token', 'changeme', 'change-me', 'secret', 'password', 'admin-token'];

/** True for an example secret, in any case, with or without dashes or underscores. */
export function isPlaceholderSecret(value: string): boolean {
  const plain = value.toLowerCase().replaceAll('_', '-');
  return PLACEHOLDER_SECRETS.includes(plain) || plain.startsWith('change-me') || plain.startsWith('changeme') || /^(.)\1*$/.test(value);
}
const KNOWN = Object.keys(variables) as VariableName[];

function read<N extends VariableName>(env: NodeJS.ProcessEnv, name: N): z.output<(typeof variables)[N]> {
  const raw = env[name] === '' ? undefined : env[name];
  const result = variables[name].safeParse(raw);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? 'be valid';
    const got = SECRETS.has(name) ? `a value of ${raw?.length ?? 0} characters, not shown` : JSON.stringify(raw);
    throw new ConfigError(`${name} must ${reason} (got ${got})`);
  }
  return result.data as z.output<(typeof variables)[N]>;
}

/**
 * Reads and validates the configuration.
 *
 * @example
 * const config = loadConfig(); // throws ConfigError: PORT must be a whole number from 1 to 65535 (got "abc")
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  for (const name of Object.keys(env)) {
    if (name.startsWith('STAMPFLOW_') && !(KNOWN as string[]).includes(name)) {
      const known = KNOWN.filter((k) => k.startsWith('STAMPFLOW_')).join(', ');
      throw new ConfigError(`unknown variable ${name}; known: ${known}`);
    }
  }
  return {
    port: read(env, 'PORT'),
    databaseUrl: read(env, 'DATABASE_URL'),
    dataDir: read(env, 'STAMPFLOW_DATA_DIR'),
    adminToken: read(env, 'STAMPFLOW_ADMIN_TOKEN'),
    databasePoolSize: read(env, 'DATABASE_POOL_SIZE'),
    temporalAddress: read(env, 'TEMPORAL_ADDRESS'),
    temporalTls: temporalTls(env),
    temporalApiKey: read(env, 'TEMPORAL_API_KEY'),
    workerActivities: read(env, 'STAMPFLOW_WORKER_ACTIVITIES'),
    temporalNamespace: read(env, 'TEMPORAL_NAMESPACE'),
    temporalCliPath: read(env, 'TEMPORAL_CLI_PATH'),
    devServerPort: read(env, 'STAMPFLOW_TEMPORAL_PORT'),
    temporalUiUrl: read(env, 'TEMPORAL_UI_URL'),
    postmarkServerToken: read(env, 'POSTMARK_SERVER_TOKEN'),
    postmarkApiUrl: read(env, 'POSTMARK_API_URL'),
    postmarkBroadcastStream: read(env, 'POSTMARK_BROADCAST_STREAM'),
    telegramApiUrl: read(env, 'TELEGRAM_API_URL'),
    postmarkTimeoutMs: read(env, 'POSTMARK_TIMEOUT_MS'),
    emailFrom: read(env, 'STAMPFLOW_EMAIL_FROM'),
    postmarkWebhookAuth: basicAuth(read(env, 'POSTMARK_WEBHOOK_AUTH')),
    role: read(env, 'STAMPFLOW_ROLE'),
    retention: retention(env),
    trustProxy: read(env, 'STAMPFLOW_TRUST_PROXY') === 'true',
    publicUrl: read(env, 'STAMPFLOW_PUBLIC_URL') ?? `http://localhost:${read(env, 'PORT')}`,
    apple: {
      passTypeId: read(env, 'APPLE_PASS_TYPE_ID'),
      teamId: read(env, 'APPLE_TEAM_ID'),
      certPath: read(env, 'APPLE_PASS_CERT'),
      keyPath: read(env, 'APPLE_PASS_KEY'),
      keyPassphrase: read(env, 'APPLE_PASS_KEY_PASSPHRASE'),
      wwdrPath: read(env, 'APPLE_WWDR_CERT'),
    },
    apnsUrl: read(env, 'APNS_URL'),
    google: googleWallet(env),
  };
}

/** Events must outlive the runs that count them: a run is summarised before its goal events go. */
function retention(env: NodeJS.ProcessEnv): Config['retention'] {
  const runDays = read(env, 'STAMPFLOW_RETENTION_RUN_DAYS');
  const eventDays = read(env, 'STAMPFLOW_RETENTION_EVENT_DAYS');
  if (eventDays < runDays + 90)
    throw new ConfigError(
      `STAMPFLOW_RETENTION_EVENT_DAYS must be at least STAMPFLOW_RETENTION_RUN_DAYS + 90 (the longest goal window), so a run's results are summarised before its events go (got ${eventDays} and ${runDays})`,
    );
  return { runDays, eventDays, everyHours: read(env, 'STAMPFLOW_RETENTION_EVERY_HOURS') };
}

function basicAuth(value: string | undefined): Config['postmarkWebhookAuth'] {
  if (!value) return undefined;
  const colon = value.indexOf(':');
  return { user: value.slice(0, colon), password: value.slice(colon + 1) };
}

/** Google Wallet needs an issuer id and a service account together; one without the other is a mistake. */
function googleWallet(env: NodeJS.ProcessEnv): Config['google'] {
  const issuerId = read(env, 'GOOGLE_WALLET_ISSUER_ID');
  if (!issuerId) return undefined;
  const credentialsPath = read(env, 'GOOGLE_APPLICATION_CREDENTIALS');
  if (!credentialsPath) {
    throw new ConfigError(
      'GOOGLE_WALLET_ISSUER_ID is set but GOOGLE_APPLICATION_CREDENTIALS is not: set it to the service account JSON file',
    );
  }
  return { issuerId, credentialsPath, apiUrl: read(env, 'GOOGLE_WALLET_API_URL') };
}

/**
 * TLS to Temporal: on with TEMPORAL_TLS=true, a client certificate, a CA or an API key (Temporal
 * Cloud takes either mTLS or an API key, both over TLS); TEMPORAL_TLS=false forbids the rest.
 */
function temporalTls(env: NodeJS.ProcessEnv): Config['temporalTls'] {
  const certPath = read(env, 'TEMPORAL_TLS_CERT');
  const keyPath = read(env, 'TEMPORAL_TLS_KEY');
  const caPath = read(env, 'TEMPORAL_TLS_CA');
  const serverName = read(env, 'TEMPORAL_TLS_SERVER_NAME');
  const apiKey = read(env, 'TEMPORAL_API_KEY');
  const flag = read(env, 'TEMPORAL_TLS');
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new ConfigError(
      `${certPath ? 'TEMPORAL_TLS_CERT' : 'TEMPORAL_TLS_KEY'} is set but ${certPath ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'} is not: a client certificate needs its key`,
    );
  }
  const wanted = certPath || caPath || serverName || apiKey;
  if (flag === 'false') {
    if (wanted)
      throw new ConfigError('TEMPORAL_TLS is false but TLS settings (TEMPORAL_TLS_* or TEMPORAL_API_KEY) are set');
    return undefined;
  }
  if (flag !== 'true' && !wanted) return undefined;
  if (!read(env, 'TEMPORAL_ADDRESS')) {
    throw new ConfigError(
      'TLS to Temporal (TEMPORAL_TLS*, TEMPORAL_API_KEY) needs TEMPORAL_ADDRESS: the embedded dev server speaks plain gRPC',
    );
  }
  return { certPath, keyPath, caPath, serverName };
}
