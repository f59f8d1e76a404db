/**
 * "Send me a test": the saved email step, rendered for a sample customer, sent to the
 * signed-in staff member's own address (`POST /v1/flows/:id/test-send`), marked as a test
 * and counted in no run.
 */
import { useContext, useState } from 'react';
import { api, call, messageOf } from '../../api';
import { useSession } from '../../shell/session';
import { FlowMetaContext } from '../decorations';

export function TestSend({ nodeId }: { nodeId: string }) {
  const { flowId } = useContext(FlowMetaContext);
  const { session } = useSession();
  const [state, setState] = useState<{ busy: boolean; done?: string; error?: string }>({ busy: false });
  const to = session?.staff.email;
  if (!flowId || !to) return null;

  async function send() {
    if (!flowId || !to) return;
    setState({ busy: true });
    try {
      const answer = await call(
        api.v1.flows[':id']['test-send'].$post({ param: { id: flowId }, json: { nodeId, to } }),
      );
      setState({ busy: false, done: `Test sent to ${answer.to}.` });
    } catch (err) {
      setState({ busy: false, error: messageOf(err) });
    }
  }

  return (
    <div className="test-send">
      <button type="button" onClick={() => void send()} disabled={state.busy}>
        {state.busy ? 'Sending…' : `Send a test to ${to}`}
      </button>
      <p className="hint">Sends the saved version of this email, marked [Test]; it is not counted in any run.</p>
      {state.done && (
        <p role="status" className="test-send-done">
          {state.done}
        </p>
      )}
      {state.error && <p className="form-error">Test not sent: {state.error}</p>}
    </div>
  );
}
