/** The merchant's one-off card campaigns: what was sent, to how many, and how it went. */
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api';
import { formatTime } from '../shell/format';
import { usePaged } from '../shell/use-paged';
import { isLive } from '../runs/words';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { campaignStatusText, reachedText } from './reach-words';
import './campaigns.css';
import { RunCameBackCell } from '../results/CameBackCell';
import { LoadMore } from '../shell/LoadMore';
import { HeldBackList } from '../sending/HeldBackList';

const CHANNEL_TAGS = { push: 'Push', email: 'Email', telegram: 'Telegram' } as const;

export function CampaignsPage() {
  const [pollMs, setPollMs] = useState<number>();
  const campaigns = usePaged(
    (cursor, limit) => call(api.v1.campaigns.$get({ query: { limit: String(limit), cursor } })),
    [],
    {
      pageSize: 50,
      pollMs,
    },
  );
  const items = campaigns.items;
  const anyLive = items?.some((c) => isLive(c.status ?? 'scheduled')) ?? false;
  useEffect(() => setPollMs(anyLive ? 3000 : undefined), [anyLive]);

  return (
    <div className="campaigns">
      <PageHeader title="Campaigns">
        <Link href="/campaigns/new" className="button primary">
          Create card campaign
        </Link>
      </PageHeader>
      <ErrorNote error={campaigns.error} />
      <HeldBackList items={items} href={(id) => { const runId = items?.find((c) => c.id === id)?.runId; return runId ? `/runs/${runId}` : undefined; }} />
      {items && items.length === 0 ? (
        <EmptyState title="No campaigns yet">
          <p>
            A campaign sends one message to everyone holding a stamp card: a wallet push, and if you like a voucher and
            an email.
          </p>
          <p>
            <Link href="/campaigns/new" className="button primary">
              Create card campaign
            </Link>
          </p>
        </EmptyState>
      ) : (
        <div className="table-scroll campaigns-scroll" aria-busy={campaigns.loading}>
          <table className="list campaigns-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Channels</th>
                <th scope="col">Status</th>
                <th scope="col">Reached</th>
                <th scope="col" className="num">
                  Came back
                </th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {!items && (
                <tr>
                  <td colSpan={6} className="hint">
                    Loading campaigns…
                  </td>
                </tr>
              )}
              {items?.map((c) => (
                <tr key={c.id}>
                  <td className="campaign-name-cell">
                    <Link href={`/campaigns/${c.id}`} className="campaign-link">
                      {c.name}
                    </Link>
                    <div className="hint">Card: {c.cardName}</div>
                  </td>
                  <td className="campaign-channels">
                    {c.channels.map((ch) => (
                      <span key={ch} className={`tag tag-${ch}`}>
                        {CHANNEL_TAGS[ch]}
                      </span>
                    ))}
                    {c.voucher && <span className="tag">Voucher</span>}
                  </td>
                  <td>
                    {/* No status only for the moment a failed launch is being undone. */}
                    <span className={`status status-${c.status ?? 'pending'}`}>{campaignStatusText(c.status)}</span>
                  </td>
                  <td className="campaign-reached">
                    {reachedText(c.reached, c.channels)}
                    <div className="hint">
                      of {c.counts.members.toLocaleString('en')} card holders
                      {c.counts.failed > 0 && ` · ${c.counts.failed.toLocaleString('en')} could not be sent`}
                    </div>
                  </td>
                  <RunCameBackCell runId={c.runId} />
                  <td>
                    {c.sendAt && c.status === 'scheduled' ? (
                      <>
                        Sends {formatTime(c.sendAt)}
                        <div className="hint">created {formatTime(c.createdAt)}</div>
                      </>
                    ) : (
                      formatTime(c.sendAt ?? c.createdAt)
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore list={campaigns} />
    </div>
  );
}
