/**
 * Opens the wallet channel from the configuration, once per process: the pass signer
 * (Apple's certificates, or a development signer made under the data directory), APNs when
 * real Apple credentials are given, and Google Wallet when an issuer is. A malformed or
 * unreadable credential stops the start with a `ConfigError` naming it.
 */
import { createApnsSender } from '../engine/channels/wallet/apns';
import { createGoogleWalletClient } from '../engine/channels/wallet/google';
import { loadServiceAccount } from '../engine/channels/wallet/google-auth';
import type { WalletChannel } from '../activities/steps/context';
import { ConfigError, type Config } from '../engine/config';
import { loadAppleSigner } from '../engine/wallet/apple-credentials';
import type { Wallet } from '../engine/wallet/wallet';

export interface OpenWallet {
  /** For the API: the web service and the customers' pages. */
  readonly wallet: Wallet;
  /** For the worker: where pushes go; without providers, the outbox. */
  readonly channel: WalletChannel;
  /** One line for the start-up log. */
  readonly summary: { apple: 'apns' | 'development signer (outbox)'; google: 'google wallet' | 'off' };
  close(): Promise<void>;
}

export function openWallet(config: Config): OpenWallet {
  const signer = loadAppleSigner({ ...config.apple, dataDir: config.dataDir });
  const apns = signer.development ? undefined : createApnsSender({ url: config.apnsUrl, signer });
  const google = config.google ? openGoogle(config.google) : undefined;
  return {
    wallet: { publicUrl: config.publicUrl, signer, google },
    channel: { apns, google },
    summary: { apple: apns ? 'apns' : 'development signer (outbox)', google: google ? 'google wallet' : 'off' },
    close: async () => {
      await apns?.close();
    },
  };
}

function openGoogle(google: NonNullable<Config['google']>) {
  let account;
  try {
    account = loadServiceAccount(google.credentialsPath);
  } catch (err) {
    throw new ConfigError(err instanceof Error ? err.message : String(err));
  }
  return createGoogleWalletClient({ issuerId: google.issuerId, account, apiUrl: google.apiUrl });
}
