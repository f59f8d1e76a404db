/**
 * The shop's stamp cards: make and change them, open each card's join page, and download its
 * counter poster (A4 or A5) with the join QR.
 */
import { useState } from 'react';
import { api, call } from '../api';
import { EmptyState, ErrorNote, PageHeader } from '../shell/Layout';
import { useApi } from '../shell/use-api';
import { CardForm, NEW_CARD, type CardFields } from './CardForm';
import { CardLogo } from './CardLogo';
import './cards.css';

/** The settings the form edits, out of a card as the API answers it. */
const fieldsOf = (card: CardFields): CardFields => ({
  name: card.name,
  stampsRequired: card.stampsRequired,
  reward: card.reward,
  backgroundColor: card.backgroundColor,
  foregroundColor: card.foregroundColor,
});

export function CardsPage() {
  const cards = useApi(() => call(api.v1.cards.$get()), []);
  const [editing, setEditing] = useState<string | 'new'>();
  const save = async (id: string | 'new', fields: CardFields) => {
    if (id === 'new') await call(api.v1.cards.$post({ json: fields }));
    else await call(api.v1.cards[':id'].$patch({ param: { id }, json: fields }));
    setEditing(undefined);
    cards.reload();
  };
  return (
    <>
      <PageHeader title="Cards">
        {editing !== 'new' && (
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            New card
          </button>
        )}
      </PageHeader>
      <ErrorNote error={cards.error} />
      {editing === 'new' && (
        <section className="card" aria-label="New card">
          <CardForm initial={NEW_CARD} submitLabel="Create card" onSubmit={(f) => save('new', f)} onCancel={() => setEditing(undefined)} />
        </section>
      )}
      {cards.data?.items.length === 0 && editing !== 'new' && (
        <EmptyState title="No card yet">
          <p>Make your stamp card: customers join it from the QR poster on your counter.</p>
        </EmptyState>
      )}
      <ul className="cards-list">
        {cards.data?.items.map((card) => (
          <li key={card.id} className="card" aria-label={card.name}>
            {editing === card.id ? (
              <>
                <CardForm initial={fieldsOf(card)} submitLabel="Save card" onSubmit={(f) => save(card.id, f)} onCancel={() => setEditing(undefined)} />
                <CardLogo cardId={card.id} hasLogo={card.hasLogo} onChanged={cards.reload} />
              </>
            ) : (
              <>
                <div className="card-banner" style={{ background: card.backgroundColor, color: card.foregroundColor }}>
                  {card.hasLogo && <img className="card-banner-logo" src={`/v1/cards/${card.id}/logo`} alt="" />}
                  <strong>{card.name}</strong>
                  <span>
                    Collect {card.stampsRequired} stamps, get {card.reward}
                  </span>
                </div>
                <p className="card-links">
                  <a href={card.joinUrl} target="_blank" rel="noreferrer">
                    Join page
                  </a>
                  <a href={`/v1/cards/${card.id}/poster.pdf?size=A4`} download>
                    Poster A4 (PDF)
                  </a>
                  <a href={`/v1/cards/${card.id}/poster.pdf?size=A5`} download>
                    Poster A5 (PDF)
                  </a>
                  <button type="button" className="link-button" onClick={() => setEditing(card.id)}>
                    Edit
                  </button>
                </p>
              </>
            )}
          </li>
        ))}
      </ul>
    </>
  );
}
