/** One campaign: what it said, to whom, and how many customers it reached on which channel. */
import { Link } from 'wouter';
import { api, call } from '../api';
import { formatTime } from '../shell/format';
import { ErrorNote, PageHeader } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { isLive } from '../runs/words';
import { CampaignName } from './CampaignName';
import { campaignStatusText, reachedText } from './reach-words';
import './campaigns.css';

/** The texts of the campaign's steps, read from its flow (the campaign id is its flow's). */
function contentOf(graph: { nodes: readonly { type: string; data: unknown }[] } | undefined) {
  const data = (kind: string) => graph?.nodes.find((n) => n.type === kind)?.data as Record<string, unknown> | undefined;
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const push = data('push');
  const email = data('email');
  const voucher = data('voucher');
  return {
    push: str(push?.['text']),
    nearby: str(push?.['nearbyText']),
    longText: str(push?.['messageText']),
    email: email ? { subject: str(email['subject']) ?? '', body: str(email['body']) ?? '' } : undefined,
    voucher: voucher ? { title: str(voucher['title']) ?? '', days: Number(voucher['validDays']) } : undefined,
  };
}

export function CampaignPage({ id }: { id: string }) {
  const campaign = useApi(() => call(api.v1.campaigns[':id'].$get({ param: { id } })), [id], {});
  const flow = useApi(() => call(api.v1.flows[':id'].$get({ param: { id } })), [id]);
  const c = campaign.data;
  const content = contentOf(flow.data?.graph);
  const live = isLive(c?.status ?? undefined);

  return (
    <div className="campaign-page stack">
      <PageHeader title={c ? <CampaignName id={c.id} name={c.name} /> : 'Campaign'}>
        <Link href="/campaigns" className="button">
          Back to campaigns
        </Link>
      </PageHeader>
      <ErrorNote error={campaign.error ?? flow.error} />
      {!c && !campaign.error && <p className="hint">Loading the campaign…</p>}
      {c && (
        <>
          <section className="campaign-summary" aria-label="Results">
            <div className="content-box">
              <h2>Status</h2>
              <span className={`status status-${c.status ?? 'pending'}`}>{campaignStatusText(c.status)}</span>
              <div className="hint">
                {c.sendAt && c.status === 'scheduled' ? `Sends ${formatTime(c.sendAt)}` : formatTime(c.sendAt ?? c.createdAt)}
              </div>
            </div>
            <div className="content-box">
              <h2>Reached</h2>
              <p data-testid="campaign-reached">{reachedText(c.reached, c.channels)}</p>
              <div className="hint">
                of {c.counts.members.toLocaleString('en')} holders of {c.cardName ?? 'the card'}
                {live && ' · still sending'}
              </div>
            </div>
            <div className="content-box">
              <h2>Not reached</h2>
              <p>
                {c.counts.failed.toLocaleString('en')} could not be sent, {c.counts.skipped.toLocaleString('en')} skipped
                {c.counts.suppressed > 0 && `, ${c.counts.suppressed.toLocaleString('en')} unsubscribed or blocked`}
              </p>
              {c.runId && (
                <Link href={`/runs/${c.runId}`}>See who got what, and why some got nothing →</Link>
              )}
            </div>
          </section>

          <section className="content-box" aria-label="What it said">
            <h2>Wallet push</h2>
            <p>{content.push ?? (flow.data ? '' : 'Loading…')}</p>
            {content.nearby && <p className="hint">Near your shop: {content.nearby}</p>}
            {content.longText && <p className="email-body">{content.longText}</p>}
          </section>
          {content.voucher && (
            <section className="content-box" aria-label="Voucher">
              <h2>Voucher</h2>
              <p>
                “{content.voucher.title}”, valid {content.voucher.days} days from the send.
              </p>
            </section>
          )}
          {content.email && (
            <section className="content-box" aria-label="Email">
              <h2>Email</h2>
              <p>
                <strong>{content.email.subject}</strong>
              </p>
              <p className="email-body">{content.email.body}</p>
            </section>
          )}
        </>
      )}
    </div>
  );
}
