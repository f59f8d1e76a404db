/**
 * The customer at the counter: name, stamps as a row, reward ready, vouchers, last visit,
 * and the big buttons. Taps are never blocked while an earlier one is on its way: two taps
 * on "+1 stamp" are two stamps, each sent once.
 */
import { useState } from 'react';
import { messageOf, type Ok } from '../api';
import type { api } from '../api';
import { formatTime } from '../shell/format';
import { recordTap, redeemVoucher, undoStamp } from './counter-actions';

type CounterAnswer = Ok<Awaited<ReturnType<(typeof api.v1.counter.customers)[':code']['$get']>>>;

export function CounterCustomer({ customer, reload }: { customer: CounterAnswer; reload: () => void }) {
  const [note, setNote] = useState<string>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(0);
  const act = async (work: () => Promise<unknown>, done: string) => {
    setPending((n) => n + 1);
    setError(undefined);
    try {
      await work();
      setNote(done);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setPending((n) => n - 1);
      reload();
    }
  };
  const left = Math.max(0, customer.stampsRequired - customer.stamps);
  return (
    <section className="counter-customer card" aria-labelledby="counter-name" aria-busy={pending > 0}>
      <h2 id="counter-name">{customer.name}</h2>
      <p className="counter-meta">
        {customer.cardName} · code {customer.code} · last visit {formatTime(customer.lastVisitAt)}
      </p>
      <p className="counter-stamps" data-testid="counter-stamps">
        {customer.stamps} of {customer.stampsRequired} stamps
      </p>
      <ol className="stamp-row" aria-hidden="true">
        {Array.from({ length: customer.stampsRequired }, (_, i) => (
          <li key={i} className={i < customer.stamps ? 'stamp filled' : 'stamp'} />
        ))}
      </ol>
      {customer.rewardReady ? (
        <p className="reward-ready" role="status">
          Reward ready: {customer.reward}
        </p>
      ) : (
        <p className="counter-meta">
          {left} more for {customer.reward}
        </p>
      )}
      <p className="counter-note" role="status">
        {error ? <span className="form-error">{error}</span> : note}
      </p>
      <div className="counter-actions">
        <button type="button" className="counter-big counter-stamp" onClick={() => void act(() => recordTap(customer.id, 'stamp'), 'Stamp added')}>
          +1 stamp
        </button>
        <button
          type="button"
          className="counter-big"
          disabled={!customer.rewardReady}
          onClick={() => void act(() => recordTap(customer.id, 'reward_redeemed'), `Reward given: ${customer.reward}`)}
        >
          Redeem reward
        </button>
        {customer.undoableStamp && (
          <button
            type="button"
            className="counter-secondary"
            onClick={() => void act(() => undoStamp(customer.undoableStamp!.eventId), 'Stamp taken back')}
          >
            Undo last stamp ({formatTime(customer.undoableStamp.at)})
          </button>
        )}
      </div>
      {customer.vouchers.length > 0 && (
        <ul className="counter-vouchers" aria-label="Vouchers">
          {customer.vouchers.map((v) => (
            <li key={v.code}>
              <span>
                <b>{v.title}</b> · until {formatTime(v.expiresAt)}
              </span>
              <button type="button" className="counter-secondary" onClick={() => void act(() => redeemVoucher(v.code), `Voucher used: ${v.title}`)}>
                Redeem voucher
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
