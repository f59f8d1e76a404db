/**
 * Above a list of campaigns or flows: what the messaging rules held back lately, one line
 * per listed campaign that had something held back (one call for the whole list).
 */
import { Link } from 'wouter';
import { api, call } from '../api';
import { useApi } from '../shell/use-api';
import { heldBackSentence } from './held-back-words';
import './sending.css';

const DAYS = 30;

export function HeldBackList({ items, href }: { items: readonly { id: string; name: string }[] | undefined; href?: (id: string) => string | undefined }) {
  const held = useApi(() => call(api.v1['held-back'].$get({ query: { days: String(DAYS) } })), []);
  const byFlow = new Map((held.data?.flows ?? []).map((f) => [f.flowId, f]));
  const lines = (items ?? []).flatMap((item) => {
    const sentence = heldBackSentence(byFlow.get(item.id), DAYS);
    return sentence ? [{ item, sentence }] : [];
  });
  if (lines.length === 0) return null;
  return (
    <section className="held-back-list card" aria-label="Held back by your messaging rules" data-testid="held-back-list">
      <ul>
        {lines.map(({ item, sentence }) => {
          const link = href?.(item.id);
          return (
            <li key={item.id}>
              <strong>{link ? <Link href={link}>{item.name}</Link> : item.name}</strong>: {sentence.charAt(0).toLowerCase() + sentence.slice(1)}.
            </li>
          );
        })}
      </ul>
      <p className="hint">
        Your <Link href="/settings">messaging rules</Link> keep customers from getting too many messages.
      </p>
    </section>
  );
}
