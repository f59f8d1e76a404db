/**
 * A flow's email steps before they go out: `POST /v1/flows/:id/preview` renders a step for
 * a chosen customer (or the first one, or a sample), `POST /v1/flows/:id/test-send` sends it
 * to a staff member's address, marked as a test and never counted in runs.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { createOutboxSender } from '../../engine/channels/email/outbox-sender';
import { findEmailStep } from '../../engine/flows/email-step';
import { previewEmail } from '../../engine/flows/preview-email';
import { testSend } from '../../engine/flows/test-send';
import { merchantAuth } from './auth';
import type { AppDeps } from './deps';
import type { MerchantEnv } from './env';
import { ApiError, notFound } from './errors';
import { jsonBody, pathId } from './validate';

const uuid = () => z.uuid('must be an id');
const previewBody = z.strictObject({ nodeId: z.string().min(1).max(200), customerId: uuid().optional() });
const testSendBody = z.strictObject({
  nodeId: z.string().min(1).max(200),
  to: z.email('must be an email address'),
  customerId: uuid().optional(),
});

/** Mounted at `/v1/flows`. */
export function flowEmailsRoutes(deps: AppDeps) {
  const { db } = deps;
  return new Hono<MerchantEnv>()
    .post('/:id/preview', merchantAuth(db), jsonBody(previewBody), async (c) => {
      const flowId = pathId(c.req.param('id'), 'Flow');
      const { nodeId, customerId } = c.req.valid('json');
      const step = await findEmailStep(db, c.get('merchantId'), flowId, nodeId);
      if (!step.ok) throw step.code === 'flow_not_found' ? notFound('Flow') : new ApiError('not_found', step.message);
      const preview = await previewEmail(db, c.get('merchantId'), {
        subject: step.subject,
        body: step.body,
        customerId,
      });
      if (!preview.ok) throw new ApiError(preview.code, preview.message);
      const { ok: _ok, ...answer } = preview;
      return c.json(answer);
    })
    .post('/:id/test-send', merchantAuth(db), jsonBody(testSendBody), async (c) => {
      const flowId = pathId(c.req.param('id'), 'Flow');
      const merchantId = c.get('merchantId');
      const sender = deps.emailSender ?? createOutboxSender(db, merchantId);
      const result = await testSend(db, sender, deps.emailFrom ?? 'Stampflow <no-reply@stampflow.local>', merchantId, {
        flowId,
        ...c.req.valid('json'),
      });
      if (!result.ok) {
        if (result.code === 'not_found') throw new ApiError('not_found', result.message);
        if (result.code === 'not_staff') throw new ApiError('unprocessable', result.message, { field: 'to' });
        throw new ApiError('unavailable', result.message);
      }
      return c.json({ to: result.to, messageId: result.messageId, test: true as const }, 202);
    });
}
