/** The answer of the send previews (`GET /v1/flows/:id/send-preview`, `POST /v1/campaigns/preview`). */
import type { SendPreview } from '../../engine/runs/send-preview';
import { isoOrNull } from './iso';

/** `heldUntil`: when quiet hours hold the messages, the instant they end (ISO); else null. */
export function sendPreviewJson(p: SendPreview) {
  return {
    members: p.members,
    alreadyEntered: p.alreadyEntered,
    steps: p.steps.map((s) => ({ ...s })),
    heldUntil: isoOrNull(p.heldUntil),
    rules: {
      frequencyCap: { push: p.rules.pushCap, email: p.rules.emailCap },
      quietHours: p.rules.quietHours,
      timezone: p.rules.timezone,
    },
  };
}
