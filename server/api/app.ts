/**
 * The HTTP API: a Hono app with chained, typed routes (`AppType` feeds `hc<AppType>` in
 * the editor). Every request gets a request id and one access-log line; every error is
 * answered by one handler as `{error: {code, message, details?}}`.
 */
import { Hono } from 'hono';
import { requestId } from 'hono/request-id';
import { accessLog } from './access-log';
import { apiKeysRoutes } from './api-keys.routes';
import { campaignsRoutes } from './campaigns.routes';
import { cardsRoutes } from './cards.routes';
import { customerJourneysRoutes } from './customer-journeys.routes';
import { customersRoutes } from './customers.routes';
import { customerImportRoutes } from './customer-import.routes';
import type { AppDeps } from './deps';
import type { BaseEnv } from './env';
import { bodyLimits } from './body-limits';
import { rateLimits } from './rate-limits';
import { clientInfo } from './client-info';
import { securityHeaders } from './security-headers';
import { handleError, handleNotFound } from './errors';
import { editorStatic } from './editor-static';
import { eventsRoutes } from './events.routes';
import { flowsRoutes } from './flows.routes';
import { merchantSettingsRoutes } from './merchant-settings.routes';
import { merchantsRoutes } from './merchants.routes';
import { outboxRoutes } from './outbox.routes';
import { heldBackRoutes } from './held-back.routes';
import { runsRoutes } from './runs.routes';
import { flowResultsRoutes, runResultsRoutes } from './results.routes';
import { segmentsRoutes } from './segments.routes';
import { sessionRoutes } from './session.routes';
import { staffRoutes } from './staff.routes';
import { vouchersRoutes } from './vouchers.routes';
import { walletAppleRoutes } from './wallet-apple.routes';
import { customerConsentRoutes } from './customer-consent.routes';
import { flowEmailsRoutes } from './flow-emails.routes';
import { postmarkWebhookRoutes } from './postmark-webhooks.routes';
import { suppressionsRoutes } from './suppressions.routes';
import { unsubscribeRoutes } from './unsubscribe.routes';
import { walletPagesRoutes } from './wallet-pages.routes';
import { joinRoutes } from './join.routes';
import { counterRoutes } from './counter.routes';
import { merchantTelegramRoutes, telegramWebhookRoutes } from './telegram.routes';

export type { AppDeps } from './deps';

/**
 * Builds the API.
 *
 * @example
 * const app = createApp({ db, launcher, adminToken: config.adminToken, readiness: async () => true });
 * serve({ fetch: app.fetch, port: config.port });
 */
export function createApp(deps: AppDeps) {
  const app = new Hono<BaseEnv>()
    .use(requestId())
    .use(clientInfo({ trustProxy: deps.trustProxy, publicUrl: deps.wallet?.publicUrl }))
    .use(accessLog)
    .use(securityHeaders)
    .use(rateLimits(deps.rateLimits))
    .use(bodyLimits())
    .get('/healthz', async (c) => {
      const ready = await deps.readiness().catch(() => false);
      return ready ? c.json({ ok: true as const }, 200) : c.json({ ok: false as const }, 503);
    })
    .route('/v1/merchants', merchantsRoutes(deps))
    .route('/v1/auth', sessionRoutes(deps))
    .route('/v1/staff', staffRoutes(deps))
    .route('/v1/api-keys', apiKeysRoutes(deps))
    .route('/v1/merchant', merchantSettingsRoutes(deps))
    .route('/v1/merchant', merchantTelegramRoutes(deps))
    .route('/v1/telegram', telegramWebhookRoutes(deps))
    .route('/v1/cards', cardsRoutes(deps))
    .route('/v1/customers', customerImportRoutes(deps))
    .route('/v1/customers', customersRoutes(deps))
    .route('/v1/customers', customerJourneysRoutes(deps))
    .route('/v1/customers', customerConsentRoutes(deps))
    .route('/v1/suppressions', suppressionsRoutes(deps))
    .route('/v1/segments', segmentsRoutes(deps))
    .route('/v1/vouchers', vouchersRoutes(deps))
    .route('/v1/events', eventsRoutes(deps))
    .route('/v1/counter', counterRoutes(deps))
    .route('/v1/flows', flowsRoutes(deps))
    .route('/v1/flows', flowEmailsRoutes(deps))
    .route('/v1/runs', runsRoutes(deps))
    .route('/v1/outbox', outboxRoutes(deps))
    .route('/v1/held-back', heldBackRoutes(deps))
    .route('/v1/campaigns', campaignsRoutes(deps))
    .route('/v1/runs', runResultsRoutes(deps))
    .route('/v1/flows', flowResultsRoutes(deps))
    .route('/u', unsubscribeRoutes(deps.db))
    .route('/join', joinRoutes(deps.db, deps.batcher))
    .route('/webhooks/postmark', postmarkWebhookRoutes(deps.db, deps.postmarkWebhookAuth));
  if (deps.wallet) {
    app.route('/wallet/apple', walletAppleRoutes(deps.db, deps.wallet));
    app.route('/p', walletPagesRoutes(deps.db, deps.wallet));
  }
  if (deps.editorDir) app.use(editorStatic(deps.editorDir));
  app.onError(handleError);
  app.notFound(handleNotFound);
  return app;
}

/** The API's route types, for `hc<AppType>(baseUrl)`. */
export type AppType = ReturnType<typeof createApp>;
