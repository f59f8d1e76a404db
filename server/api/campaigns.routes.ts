/**
 * Campaigns: one-off broadcasts launched from a form — `POST` makes, publishes and starts a
 * single-step flow of kind `campaign`; `GET` lists them with their run's status and counts;
 * `PATCH` renames one. The use-cases live in `engine/campaigns/`.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { createCampaign } from '../../engine/campaigns/create';
import { previewCampaign } from '../../engine/campaigns/preview';
import { sendPreviewJson } from './send-preview-json';
import { getCampaign, listCampaigns, renameCampaign, type Campaign } from '../../engine/campaigns/list';
import { createOutboxSender } from '../../engine/channels/email/outbox-sender';
import { emailDataSchema } from '../../engine/compiler/node-schemas';
import { issueToDiagnostic } from '../../engine/compiler/diagnostics';
import { sendTestEmail } from '../../engine/flows/test-send';
import { actorLabel } from './actor';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { idempotent } from './idempotency';
import { iso, isoOrNull } from './iso';
import { decodeCursor, page, pageQuery } from './pagination';
import { jsonBody, pathId, query, uuid } from './validate';

const name = z.string().trim().min(1, 'must not be empty').max(200);

/** Structure only: lengths and placeholders are the compiler's (its diagnostics answer 400). */
const campaignBody = z.object({
  name: name.optional(),
  cardId: uuid(),
  push: z.object({ text: z.string() }),
  /** The lock-screen text near the shops, and when it ends: the push step's `nearbyText`/`nearbyUntil`. */
  nearbyText: z.string().optional(),
  nearbyUntil: z.string().optional(),
  /** The long text on the card page: the push step's `messageText`. */
  messageText: z.string().optional(),
  voucher: z.object({ title: z.string(), validDays: z.number() }).optional(),
  email: z.object({ subject: z.string(), body: z.string() }).optional(),
  /** Also send `messageText` by Telegram, to customers who linked their card to the merchant's bot. */
  telegram: z.boolean().optional(),
  sendAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date and time, e.g. 2025-06-03T10:00:00Z' }).optional(),
  /** Ranges are the compiler's (its diagnostics answer 400, naming the setting). */
  goal: z.object({ event: z.string(), withinDays: z.number() }).optional(),
  holdoutPercent: z.number().optional(),
});

/** A test of the form's email before the campaign exists: to a staff member, for a chosen customer. */
const testSendBody = z.strictObject({
  email: z.object({ subject: z.string().max(1_000), body: z.string().max(50_000) }),
  to: z.email('must be an email address'),
  customerId: uuid().optional(),
});

/** The body as the use-case takes it: the long text on the push, and by Telegram when asked. */
function campaignInput(body: z.infer<typeof campaignBody>) {
  const { nearbyText, nearbyUntil, messageText, push, telegram, ...rest } = body;
  return {
    ...rest,
    push: {
      ...push,
      ...(nearbyText !== undefined && { nearbyText }),
      ...(nearbyUntil !== undefined && { nearbyUntil }),
      ...(messageText !== undefined && { messageText }),
    },
    ...(telegram && { telegram: { text: messageText ?? '' } }),
  };
}

function campaignJson(c: Campaign) {
  return {
    id: c.id,
    name: c.name,
    cardId: c.cardId,
    cardName: c.cardName,
    channels: c.channels,
    voucher: c.voucher,
    status: c.status,
    sendAt: isoOrNull(c.sendAt),
    createdAt: iso(c.createdAt),
    runId: c.runId,
    counts: c.counts,
    reached: c.reached,
  };
}

/** Mounted at `/v1/campaigns`. */
export function campaignsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .use(merchantAuth(db))
    .post('/', idempotent(db), jsonBody(campaignBody), async (c) => {
      const input = campaignInput(c.req.valid('json'));
      const made = await createCampaign(deps, c.get('merchantId'), input, actorLabel(c));
      if (!made.ok) {
        throw new ApiError(made.code, made.message, 'details' in made ? made.details : undefined);
      }
      return c.json({ id: made.id, name: made.name, runId: made.runId, status: made.status }, 201);
    })
    .post('/preview', jsonBody(campaignBody), async (c) => {
      const preview = await previewCampaign(db, c.get('merchantId'), campaignInput(c.req.valid('json')));
      if (!preview.ok) {
        throw new ApiError(preview.code, preview.message, 'details' in preview ? preview.details : undefined);
      }
      return c.json(sendPreviewJson(preview.preview));
    })
    .post('/test-send', jsonBody(testSendBody), async (c) => {
      const { email, to, customerId } = c.req.valid('json');
      // The compiler's own rules: a broken placeholder is not sent, even as a test.
      const checked = emailDataSchema.safeParse(email);
      if (!checked.success) {
        const diagnostics = checked.error.issues.map((issue) => issueToDiagnostic('email', issue));
        throw new ApiError('bad_request', diagnostics[0]?.message ?? 'The email is not valid', { diagnostics });
      }
      const merchantId = c.get('merchantId');
      const sender = deps.emailSender ?? createOutboxSender(db, merchantId);
      const from = deps.emailFrom ?? 'Stampflow <no-reply@stampflow.local>';
      const result = await sendTestEmail(db, sender, from, merchantId, {
        ...checked.data,
        to,
        customerId,
        metadata: { campaign: 'draft' },
      });
      if (!result.ok) {
        if (result.code === 'not_found') throw new ApiError('not_found', result.message);
        if (result.code === 'not_staff') throw new ApiError('unprocessable', result.message, { field: 'to' });
        throw new ApiError('unavailable', result.message);
      }
      return c.json({ to: result.to, test: true as const }, 202);
    })
    .get('/', query(pageQuery), async (c) => {
      const { limit, cursor } = c.req.valid('query');
      const after = cursor ? decodeCursor(cursor, ['timestamp', 'uuid']) : undefined;
      const rows = await listCampaigns(db, c.get('merchantId'), {
        limit,
        after: after && { createdAt: String(after[0]), id: String(after[1]) },
      });
      return c.json(page(rows, limit, campaignJson, (r) => [r.createdAtKey, r.id]));
    })
    .get('/:id', async (c) => {
      const campaign = await getCampaign(db, c.get('merchantId'), pathId(c.req.param('id'), 'Campaign'));
      if (!campaign) throw notFound('Campaign');
      return c.json(campaignJson(campaign));
    })
    .patch('/:id', jsonBody(z.object({ name })), async (c) => {
      const id = pathId(c.req.param('id'), 'Campaign');
      if (!(await renameCampaign(db, c.get('merchantId'), id, c.req.valid('json').name))) throw notFound('Campaign');
      const campaign = await getCampaign(db, c.get('merchantId'), id);
      if (!campaign) throw notFound('Campaign');
      return c.json(campaignJson(campaign));
    });
}
