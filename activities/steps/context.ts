/** What every step processor gets: the database, the channels, and the run's merchant. */
import type { Db } from '../../engine/db/database';
import type { EmailSender } from '../../engine/channels/email/types';
import type { ApnsSender, GoogleWalletClient } from '../../engine/channels/wallet/types';

/** The wallet providers pushes reach devices through; without either, pushes go to the outbox. */
export interface WalletChannel {
  /** APNs, when real Apple pass type credentials are configured. */
  readonly apns?: ApnsSender | undefined;
  /** Google Wallet, when an issuer and a service account are configured. */
  readonly google?: GoogleWalletClient | undefined;
}

export interface ChannelConfig {
  /** Postmark, when a server token is configured; otherwise email goes to the outbox. */
  readonly emailSender?: EmailSender | undefined;
  /** The default sender address when the merchant has none. */
  readonly emailFrom: string;
  /** The Postmark message stream for broadcasts. */
  readonly broadcastStream: string;
  readonly wallet?: WalletChannel | undefined;
  /** The Telegram Bot API (`TELEGRAM_API_URL`); default https://api.telegram.org. */
  readonly telegramApiUrl?: string | undefined;
  /** Where customers reach us (`STAMPFLOW_PUBLIC_URL`): unsubscribe links; default `http://localhost:3000`. */
  readonly publicUrl?: string | undefined;
}

export interface StepContext {
  readonly db: Db;
  readonly channels: ChannelConfig;
  readonly merchant: {
    readonly id: string;
    readonly name: string;
    readonly timezone: string;
    readonly emailFrom: string | null;
    /** The email footer's postal address and brand colour (null: none set). */
    readonly postalAddress: string | null;
    readonly brandColor: string | null;
  };
  /** Identifies the activity; its retries share it, so they may resend what it claimed. */
  readonly claimKey: string;
  /** The merchant's frequency caps (messages per customer per 7 days; null: no cap). */
  readonly caps: { readonly push: number | null; readonly email: number | null };
  /** When quiet hours held this step's messages: the end of the window (absent: not held). */
  readonly heldUntil?: Date | null | undefined;
}
