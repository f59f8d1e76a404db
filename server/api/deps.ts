/** What the API needs from the rest of the engine; injected so tests can pass fakes. */
import type { EmailSender } from '../../engine/channels/email/types';
import type { Db } from '../../engine/db/database';
import type { CohortBatcher } from '../../engine/runs/cohort-batcher';
import type { RunLauncher } from '../temporal/run-launcher';
import type { Wallet } from '../../engine/wallet/wallet';
import type { RateLimitOptions } from './rate-limits';

export interface AppDeps {
  readonly db: Db;
  readonly launcher: RunLauncher;
  /** Gathers journey entries into cohort runs; without one, entries wait for a batcher elsewhere. */
  readonly batcher?: CohortBatcher | undefined;
  /** Enables `POST /v1/merchants`; when unset that route answers 403. */
  readonly adminToken?: string | undefined;
  /** True once the database is migrated and Temporal reachable (`GET /healthz`). */
  readonly readiness: () => Promise<boolean>;
  /** The Temporal web UI, for links from a run to its workflow; unset answers `temporalUrl: null`. */
  readonly temporalUi?: { readonly url: string; readonly namespace: string } | undefined;
  /** The built editor (`editor/dist`), served at `/`; unset serves only the API. */
  readonly editorDir?: string | undefined;
  /**
   * Wallet passes: the PassKit web service (`/wallet/apple`) and the customers' wallet
   * pages (`/p/:token`). Unset serves neither; customers' `walletUrl` then uses
   * `http://localhost:3000`.
   */
  readonly wallet?: Wallet | undefined;
  /** Test sends go through it (Postmark when configured); unset: the outbox. */
  readonly emailSender?: EmailSender | undefined;
  /** The default sender address (`STAMPFLOW_EMAIL_FROM`) when the merchant has none. */
  readonly emailFrom?: string | undefined;
  /** `POSTMARK_WEBHOOK_AUTH`; unset: `/webhooks/postmark` answers 503. */
  readonly postmarkWebhookAuth?: { readonly user: string; readonly password: string } | undefined;
  /** `TELEGRAM_API_URL`: the Bot API merchants' bots are called through; default https://api.telegram.org. */
  readonly telegramApiUrl?: string | undefined;
  /** `STAMPFLOW_TRUST_PROXY`: believe X-Forwarded-For / X-Forwarded-Proto (set by our own proxy). */
  readonly trustProxy?: boolean | undefined;
  /** The app-wide call limits (`rate-limits.ts`); unset: `DEFAULT_RATE_LIMITS`. */
  readonly rateLimits?: RateLimitOptions | undefined;
}
