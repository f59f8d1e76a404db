/**
 * Who the campaign reaches, inline in the form and updated as the card, the channels and the
 * send time change: counted by the run's own audience SQL (`POST /v1/campaigns/preview`).
 * The counts depend on the card, the channels and the time, not on the words, so the form
 * asks with stand-in texts and shows the reach while the message is still being written.
 */
import { useEffect, useState } from 'react';
import { api, call, messageOf } from '../api';
import { sendSummary, type SendPreviewAnswer } from '../sending/send-summary';

const DEBOUNCE_MS = 400;

export function CampaignReach({ cardId, email, sendAt }: { cardId: string; email: boolean; sendAt: string | undefined }) {
  const [preview, setPreview] = useState<SendPreviewAnswer>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (!cardId) return;
    let live = true;
    const timer = window.setTimeout(() => {
      const json = {
        cardId,
        push: { text: 'Reach' },
        ...(email ? { email: { subject: 'Reach', body: 'Reach' } } : {}),
        ...(sendAt ? { sendAt } : {}),
      };
      call(api.v1.campaigns.preview.$post({ json }))
        .then((answer) => {
          if (!live) return;
          setPreview(answer);
          setError(undefined);
        })
        .catch((err: unknown) => live && setError(messageOf(err)));
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [cardId, email, sendAt]);

  if (!cardId) return null;
  const summary = preview && sendSummary(preview);
  return (
    <div className="campaign-reach" role="status" aria-live="polite" data-testid="campaign-reach">
      <strong>Who gets it: </strong>
      {error ? `not known right now (${error})` : (summary?.headline ?? 'counting…')}
      {summary?.held.map((line) => (
        <div key={line} className="hint">
          {line}
        </div>
      ))}
    </div>
  );
}
