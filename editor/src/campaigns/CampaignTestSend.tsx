/**
 * "Send a test": the form's email, filled in for the chosen customer, sent to the signed-in
 * owner (or another staff address typed in) through `POST /v1/campaigns/test-send`. It is
 * marked [Test] and counted in no campaign.
 */
import { useState } from 'react';
import { api, ApiFailure, call, messageOf } from '../api';
import { useSession } from '../shell/session';

export function CampaignTestSend({
  email,
  customerId,
  disabled,
}: {
  email: { subject: string; body: string };
  customerId: string | undefined;
  /** Why a test cannot go yet (the email has a problem), or undefined. */
  disabled: string | undefined;
}) {
  const { session } = useSession();
  const [to, setTo] = useState(session?.staff.email ?? '');
  const [state, setState] = useState<{ busy: boolean; done?: string; error?: string }>({ busy: false });

  async function send() {
    setState({ busy: true });
    try {
      const answer = await call(
        api.v1.campaigns['test-send'].$post({ json: { email, to: to.trim(), ...(customerId ? { customerId } : {}) } }),
      );
      setState({
        busy: false,
        done: `Test sent to ${answer.to}. It is marked [Test] in the subject and is not counted in the campaign.`,
      });
    } catch (err) {
      const why = err instanceof ApiFailure && err.status === 422 ? 'test emails go only to you and your staff' : messageOf(err);
      setState({ busy: false, error: `The test was not sent: ${why}.` });
    }
  }

  return (
    <div className="test-send row">
      <label className="field grow">
        <span>Send a test to</span>
        <input type="email" value={to} onChange={(e) => setTo(e.target.value)} autoComplete="email" />
      </label>
      <button type="button" onClick={() => void send()} disabled={state.busy || !to.trim() || disabled !== undefined}>
        {state.busy ? 'Sending test…' : 'Send test'}
      </button>
      {disabled && <span className="hint">{disabled}</span>}
      {state.done && (
        <p role="status" className="test-send-done">
          {state.done}
        </p>
      )}
      {state.error && (
        <p role="alert" className="form-error">
          {state.error}
        </p>
      )}
    </div>
  );
}
