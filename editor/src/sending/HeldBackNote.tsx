/**
 * On a flow or a campaign: what the messaging rules held back lately, with a link to the
 * rules. Shows nothing when they held back nothing.
 */
import { Link } from 'wouter';
import { api, call } from '../api';
import { useApi } from '../shell/use-api';
import { heldBackSentence } from './held-back-words';
import './sending.css';

const DAYS = 30;

export function HeldBackNote({ flowId }: { flowId: string }) {
  const held = useApi(() => call(api.v1['held-back'].$get({ query: { flowId, days: String(DAYS) } })), [flowId]);
  const sentence = heldBackSentence(held.data?.flows[0], DAYS);
  if (!sentence) return null;
  return (
    <p className="held-back-note" data-testid="held-back">
      {sentence}. <Link href="/settings">Messaging rules</Link>
    </p>
  );
}
