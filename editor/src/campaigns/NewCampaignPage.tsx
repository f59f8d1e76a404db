/** Creating a card campaign; once sent, the page moves to the run it started. */
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiFailure, call, messageOf } from '../api';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { useSignedIn } from '../shell/session';
import { useApi } from '../shell/use-api';
import { campaignBody, serverErrors, type CampaignDraft, type FieldErrors } from './campaign-draft';
import { CampaignForm } from './CampaignForm';
import { SendConfirm } from '../sending/SendConfirm';
import type { SendPreviewAnswer } from '../sending/send-summary';
import './campaigns.css';

export function NewCampaignPage() {
  const session = useSignedIn();
  const [, navigate] = useLocation();
  const cards = useApi(() => call(api.v1.cards.$get()), []);
  const telegram = useApi(() => call(api.v1.merchant.telegram.$get()), []);
  const [busy, setBusy] = useState(false);
  const [serverFields, setServerFields] = useState<FieldErrors>({});
  const [serverError, setServerError] = useState<string>();

  /** The campaign waiting for the owner's yes, with who it would reach. */
  const [pending, setPending] = useState<{ draft: CampaignDraft; preview: SendPreviewAnswer }>();

  function failed(err: unknown) {
    const { fields, other } =
      err instanceof ApiFailure && err.status === 400 ? serverErrors(err.details) : { fields: {}, other: [] };
    setServerFields(fields);
    const placed = Object.keys(fields).length > 0;
    setServerError(other.length ? other.join(' ') : placed ? undefined : messageOf(err));
    setPending(undefined);
    setBusy(false);
  }

  /** First who it would reach: nothing is sent until the owner confirms. */
  async function ask(draft: CampaignDraft) {
    setBusy(true);
    setServerError(undefined);
    setServerFields({});
    try {
      const preview = await call(api.v1.campaigns.preview.$post({ json: campaignBody(draft) }));
      setPending({ draft, preview });
    } catch (err) {
      failed(err);
      return;
    }
    setBusy(false);
  }

  async function send(draft: CampaignDraft) {
    setBusy(true);
    try {
      const created = await call(api.v1.campaigns.$post({ json: campaignBody(draft) }));
      navigate(created.runId ? `/runs/${created.runId}` : '/campaigns');
    } catch (err) {
      failed(err);
    }
  }

  const items = cards.data?.items;
  return (
    <div className="new-campaign">
      <PageHeader title="New card campaign">
        <Link href="/campaigns" className="button">
          Back to campaigns
        </Link>
      </PageHeader>
      <ErrorNote error={cards.error} />
      {!items && !cards.error && <p className="hint">Loading your stamp cards…</p>}
      {items && items.length === 0 && (
        <EmptyState title="You have no stamp card yet">
          <p>
            A campaign goes to the holders of a stamp card. Set up your stamp card first, then come back.
          </p>
        </EmptyState>
      )}
      {items && items.length > 0 && (
        <CampaignForm
          cards={items}
          merchantName={session.merchant.name}
          telegramBot={telegram.data?.connected ? (telegram.data.username ?? undefined) : undefined}
          busy={busy}
          serverFields={serverFields}
          serverError={serverError}
          onSubmit={(draft) => void ask(draft)}
        />
      )}
      {pending && (
        <SendConfirm
          title={pending.draft.when === 'at' ? 'Schedule this campaign?' : 'Send this campaign now?'}
          preview={pending.preview}
          confirmLabel={pending.draft.when === 'at' ? 'Schedule campaign' : 'Send campaign'}
          busy={busy}
          onConfirm={() => void send(pending.draft)}
          onCancel={() => setPending(undefined)}
        />
      )}
    </div>
  );
}
