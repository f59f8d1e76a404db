/** Creating a card campaign; once sent, the page moves to the run it started. */
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, ApiFailure, call, messageOf } from '../api';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { useSignedIn } from '../shell/session';
import { useApi } from '../shell/use-api';
import { campaignBody, serverErrors, type CampaignDraft, type FieldErrors } from './campaign-draft';
import { CampaignForm } from './CampaignForm';
import './campaigns.css';

export function NewCampaignPage() {
  const session = useSignedIn();
  const [, navigate] = useLocation();
  const cards = useApi(() => call(api.v1.cards.$get()), []);
  const [busy, setBusy] = useState(false);
  const [serverFields, setServerFields] = useState<FieldErrors>({});
  const [serverError, setServerError] = useState<string>();

  async function send(draft: CampaignDraft) {
    setBusy(true);
    setServerError(undefined);
    setServerFields({});
    try {
      const created = await call(api.v1.campaigns.$post({ json: campaignBody(draft) }));
      navigate(created.runId ? `/runs/${created.runId}` : '/campaigns');
    } catch (err) {
      const { fields, other } =
        err instanceof ApiFailure && err.status === 400 ? serverErrors(err.details) : { fields: {}, other: [] };
      setServerFields(fields);
      const placed = Object.keys(fields).length > 0;
      setServerError(other.length ? other.join(' ') : placed ? undefined : messageOf(err));
      setBusy(false);
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
            A campaign goes to the holders of a stamp card. Set up your card first (through the API: POST /v1/cards),
            then come back.
          </p>
        </EmptyState>
      )}
      {items && items.length > 0 && (
        <CampaignForm
          cards={items}
          merchantName={session.merchant.name}
          busy={busy}
          serverFields={serverFields}
          serverError={serverError}
          onSubmit={(draft) => void send(draft)}
        />
      )}
    </div>
  );
}
