/**
 * The wallet vocabulary shared by the pass builder, the APNs and Google Wallet clients,
 * the push step and the PassKit web service.
 */

/** The certificates that sign Apple passes and authenticate to APNs (PEM strings). */
export interface AppleSigner {
  readonly passTypeId: string;
  readonly teamId: string;
  /** Apple's WWDR intermediate (or the development CA). */
  readonly wwdrPem: string;
  /** The pass type certificate. */
  readonly certPem: string;
  readonly keyPem: string;
  readonly keyPassphrase?: string | undefined;
  /** A development signer made by Stampflow: its passes do not install on real devices. */
  readonly development: boolean;
}

/** Everything a customer's pass shows; one source for the Apple pass and the Google object. */
export interface PassContent {
  readonly serialNumber: string;
  readonly authenticationToken: string;
  /** `STAMPFLOW_PUBLIC_URL + "/wallet/apple"` */
  readonly webServiceUrl: string;
  /** The merchant's name. */
  readonly organizationName: string;
  readonly cardName: string;
  readonly customerName: string;
  readonly stamps: number;
  readonly stampsRequired: number;
  readonly reward: string;
  /** The barcode's message (the customer's id, so staff can scan it at the till). */
  readonly barcode: string;
  /** `#RRGGBB` */
  readonly colors: { readonly background: string; readonly foreground: string; readonly label: string };
  /** The last lock-screen message (may end in a zero-width space; see `messageValue`). */
  readonly message: string | null;
  readonly voucher: { readonly code: string; readonly title: string; readonly expiresOn: string } | null;
  readonly updatedAt: Date;
  /** The customer's card page (`/p/<token>`): the back of the pass links to it. */
  readonly pageUrl: string;
  /** The last message has a long text on the card page: the lock screen says so. */
  readonly messageHasMore: boolean;
  readonly nearby: PassNearby;
  /** The card's uploaded logo (PNG, fitted to the pass's logo slot at @3x); a drawn stamp when absent. */
  readonly logo?: Buffer | null | undefined;
}

/** Where and when the pass comes up on the lock screen by itself. */
export interface PassNearby {
  /** The merchant's shops, at most 10 (Apple's limit per pass). */
  readonly locations: readonly { readonly latitude: number; readonly longitude: number }[];
  /** The text shown near each shop: a push's nearby text while it lasts, else the card's default. */
  readonly text: string;
  /** A dated offer of at most 24 hours: the pass is also relevant by date then. */
  readonly window: { readonly start: Date; readonly end: Date } | null;
}

/** What APNs answered for one device, after the sender's own retries. */
export type ApnsOutcome =
  | { readonly status: 'sent'; readonly apnsId: string | null; readonly attempts: number }
  /** 410 Unregistered / 400 BadDeviceToken: drop the registration. */
  | { readonly status: 'gone'; readonly reason: 'unregistered' | 'bad_device_token'; readonly attempts: number }
  /** 429 / 5xx / connection errors still failing after the sender's retries: try again later. */
  | { readonly status: 'retry'; readonly reason: string; readonly attempts: number }
  /** Any other 4xx (e.g. 403 BadCertificate, 400 TopicDisallowed): final, says why. */
  | { readonly status: 'failed'; readonly reason: string; readonly attempts: number };

export interface ApnsSender {
  /** Sends `{}` to each push token (apns-topic = the pass type id); one outcome per token, in order. */
  push(pushTokens: readonly string[]): Promise<ApnsOutcome[]>;
  close(): Promise<void>;
}

/** What Google Wallet answered for one `addMessage`. */
export type GoogleOutcome =
  | { readonly status: 'sent'; readonly notified: boolean; readonly attempts: number }
  | { readonly status: 'retry'; readonly reason: string; readonly attempts: number }
  | { readonly status: 'failed'; readonly reason: string; readonly attempts: number };

export interface GoogleMessage {
  /** `issuerId.objectSuffix` */
  readonly objectId: string;
  /** Unique per push (run, step): a replay of the same id is not a second message. */
  readonly messageId: string;
  readonly header: string;
  readonly body: string;
  /** TEXT_AND_NOTIFY when true, TEXT (silent) otherwise. */
  readonly notify: boolean;
}

export interface GoogleWalletClient {
  readonly issuerId: string;
  /** Creates the card's loyalty class if it does not exist. */
  ensureClass(classSuffix: string, content: PassContent): Promise<string>;
  /** Creates the customer's loyalty object if it does not exist; returns its id. */
  ensureObject(classId: string, objectSuffix: string, content: PassContent): Promise<string>;
  /** A quota error on a notifying message is answered as `sent` with `notified: false` after a silent retry. */
  addMessage(message: GoogleMessage): Promise<GoogleOutcome>;
  /** The signed `https://pay.google.com/gp/v/save/<jwt>` link for the object. */
  saveUrl(objectId: string, classId: string): string;
}
