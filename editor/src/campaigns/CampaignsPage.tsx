/** The merchant's one-off card campaigns: what was sent, to how many, and how it went. */
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api, call } from '../api';
import { formatTime, shortId } from '../shell/format';
import { usePaged } from '../shell/use-paged';
import { isLive } from '../runs/words';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { CampaignName } from './CampaignName';
import './campaigns.css';
import { LoadMore } from '../shell/LoadMore';

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
        <div className="table-scroll" aria-busy={campaigns.loading}>
          <table className="list campaigns-table">
            <thead>
              <tr>
                <th scope="col">ID</th>
                <th scope="col">Name</th>
                <th scope="col">Channels</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Customers
                </th>
                <th scope="col" className="num">
                  Sent
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col" className="num">
                  Skipped
                </th>
                <th scope="col">When</th>
                <th scope="col">
                  <span className="visually-hidden">Details</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {!items && (
                <tr>
                  <td colSpan={10} className="hint">
                    Loading campaigns…
                  </td>
                </tr>
              )}
              {items?.map((c) => (
                <tr key={c.id}>
                  <td>
                    <code title={c.id}>{shortId(c.id)}</code>
                  </td>
                  <td className="campaign-name-cell">
                    <CampaignName id={c.id} name={c.name} />
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
                    <span className={`status status-${c.status ?? 'pending'}`}>{c.status ?? 'starting'}</span>
                  </td>
                  <td className="num">{c.counts.members}</td>
                  <td className="num">{c.counts.sent}</td>
                  <td className="num">{c.counts.failed}</td>
                  <td className="num">{c.counts.skipped}</td>
                  <td className="nowrap">
                    {c.sendAt && c.status === 'scheduled' ? (
                      <>
                        Sends {formatTime(c.sendAt)}
                        <div className="hint">created {formatTime(c.createdAt)}</div>
                      </>
                    ) : (
                      formatTime(c.sendAt ?? c.createdAt)
                    )}
                  </td>
                  <td className="nowrap">
                    {c.runId ? (
                      <Link href={`/runs/${c.runId}`}>Open run →</Link>
                    ) : (
                      <span className="hint">not started</span>
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
