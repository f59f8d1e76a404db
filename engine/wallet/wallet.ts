/**
 * What the API needs to serve wallet passes: where phones reach us, the pass signer, and
 * Google Wallet when it is configured.
 */
import type { AppleSigner, GoogleWalletClient } from '../channels/wallet/types';

export interface Wallet {
  /** `STAMPFLOW_PUBLIC_URL`, no trailing slash. */
  readonly publicUrl: string;
  readonly signer: AppleSigner;
  readonly google?: GoogleWalletClient | undefined;
}

/** Where customers reach us when no wallet configuration is given (tests, tools). */
export const DEFAULT_PUBLIC_URL = 'http://localhost:3000';

/** The pass's `webServiceURL`: the PassKit web service lives under it. */
export const appleWebServiceUrl = (publicUrl: string): string => `${publicUrl}/wallet/apple`;

/** The customer's wallet page. */
export const walletPageUrl = (publicUrl: string, walletToken: string): string => `${publicUrl}/p/${walletToken}`;

/** A card's public join page, behind the QR on the counter poster. */
export const joinPageUrl = (publicUrl: string, cardId: string): string => `${publicUrl}/join/${cardId}`;

/** Google object and class ids are `issuerId.suffix`; the suffixes are ours. */
export const googleClassSuffix = (cardId: string): string => `card-${cardId}`;
export const googleObjectSuffix = (serialNumber: string): string => `pass-${serialNumber}`;
