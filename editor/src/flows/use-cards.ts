/** The merchant's stamp cards (the trigger's card picker, card names on nodes), loaded once per page load. */
import { useEffect, useMemo, useState } from 'react';
import { api, call, messageOf, type Ok } from '../api';

export type Card = Ok<Awaited<ReturnType<typeof api.v1.cards.$get>>>['items'][number];

let loaded: Promise<Card[]> | undefined;

function loadCards(): Promise<Card[]> {
  loaded ??= call(api.v1.cards.$get()).then(
    (r) => r.items,
    (err: unknown) => {
      loaded = undefined; // ask again next time
      throw err;
    },
  );
  return loaded;
}

export function useCards(): { cards: Card[] | undefined; error: string | undefined } {
  const [cards, setCards] = useState<Card[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let live = true;
    loadCards().then(
      (items) => live && setCards(items),
      (err: unknown) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, []);
  return { cards, error };
}

export function useCardNames(): ReadonlyMap<string, string> {
  const { cards } = useCards();
  return useMemo(() => new Map((cards ?? []).map((c) => [c.id, c.name])), [cards]);
}
