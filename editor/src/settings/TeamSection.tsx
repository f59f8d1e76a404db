/** The team: who can sign in, pending invitations, inviting and removing members (owners only). */
import { useId, useState, type FormEvent } from 'react';
import { api, call } from '../api';
import { ConfirmButton } from '../shell/ConfirmButton';
import { formatTime } from '../shell/format';
import { ErrorNote } from '../shell/Layout';
import { useSignedIn } from '../shell/session';
import { useAction } from '../shell/use-action';
import { useApi } from '../shell/use-api';
import { CopyField } from './CopyField';

type Role = 'owner' | 'staff';
const ROLE_WORDS: Record<string, string> = { owner: 'Owner', staff: 'Staff' };

export function TeamSection() {
  const session = useSignedIn();
  const team = useApi(() => call(api.v1.staff.$get()), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('staff');
  const inviting = useAction();
  const removing = useAction();
  const [invited, setInvited] = useState<{ email: string; url: string }>();
  const ids = { email: useId(), role: useId() };
  const isOwner = session.staff.role === 'owner';

  async function invite(event: FormEvent) {
    event.preventDefault();
    setInvited(undefined);
    await inviting.run(async () => {
      const answer = await call(api.v1.staff.invites.$post({ json: { email: email.trim(), role } }));
      setInvited({ email: email.trim(), url: new URL(answer.inviteUrl, window.location.origin).href });
      setEmail('');
      team.reload();
    });
  }

  const remove = (id: string) =>
    removing.run(async () => {
      await call(api.v1.staff[':id'].$delete({ param: { id } }));
      team.reload();
    });

  const members = team.data?.items;
  const invites = team.data?.invites ?? [];
  return (
    <section className="settings-section card" aria-labelledby="team-title">
      <h2 id="team-title">Team</h2>
      <p className="hint">
        Everyone here can sign in to Stampflow. Owners can also invite and remove people and manage API keys.
        {!isOwner && ' You are staff: ask an owner to invite or remove someone.'}
      </p>
      <ErrorNote error={team.error} />
      <ErrorNote error={removing.error} />
      <div className="table-scroll">
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {!members && (
              <tr>
                <td colSpan={4} className="hint">
                  Loading the team…
                </td>
              </tr>
            )}
            {members?.map((m) => (
              <tr key={m.id}>
                <td>
                  {m.email}
                  {m.id === session.staff.id && <span className="tag you">you</span>}
                </td>
                <td>{ROLE_WORDS[m.role] ?? m.role}</td>
                <td className="nowrap">{formatTime(m.createdAt)}</td>
                <td className="actions">
                  {m.id !== session.staff.id && (
                    <ConfirmButton question={`Remove ${m.email}? They are signed out at once.`} confirmLabel="Yes, remove" onConfirm={() => remove(m.id)}>
                      Remove
                    </ConfirmButton>
                  )}
                </td>
              </tr>
            ))}
            {invites.map((i) => (
              <tr key={`invite-${i.id}`} className="pending">
                <td>
                  {i.email} <span className="tag">invited</span>
                </td>
                <td>{ROLE_WORDS[i.role] ?? i.role}</td>
                <td className="nowrap">
                  <span className="hint">invite valid until {formatTime(i.expiresAt)}</span>
                </td>
                <td />
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <form className="invite-form" onSubmit={(e) => void invite(e)} aria-label="Invite someone">
        <h3>Invite someone</h3>
        <div className="row invite-row">
          <div className="filter-field grow">
            <label htmlFor={ids.email}>Email</label>
            <input id={ids.email} type="email" required autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} placeholder="barista@yourcafe.com" />
          </div>
          <div className="filter-field">
            <label htmlFor={ids.role}>Role</label>
            <select id={ids.role} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              <option value="staff">Staff</option>
              <option value="owner">Owner</option>
            </select>
          </div>
          <button type="submit" className="primary" disabled={inviting.busy || !email.trim()}>
            {inviting.busy ? 'Inviting…' : 'Create invite link'}
          </button>
        </div>
        <ErrorNote error={inviting.error} />
        {invited && (
          <div className="secret-box" role="status">
            <p>
              Send this link to <strong>{invited.email}</strong>. It works once, for 7 days; with it they choose a password and join your team.
            </p>
            <CopyField label="Invite link" value={invited.url} />
          </div>
        )}
      </form>
    </section>
  );
}
