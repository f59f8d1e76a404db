/**
 * A phone lock screen showing a wallet pass notification: how a push reads to the card
 * holder. Used by the push form (preview) and the outbox (what was sent). With `nearby`, a
 * second card shows what the pass says on the lock screen near one of the shops.
 */
import { displayTimeZone } from './format';

export function LockScreen({
  title,
  message,
  at,
  nearby,
}: {
  title: string;
  message: string;
  at?: Date;
  /** The nearby text, shown as the pass suggestion near a shop. */
  nearby?: string | undefined;
}) {
  const time = at ?? new Date();
  const clock = time.toLocaleTimeString([], { timeZone: displayTimeZone(), hour: '2-digit', minute: '2-digit' });
  const label = `Lock screen preview: ${message || 'empty message'}${nearby ? `; near your shop: ${nearby}` : ''}`;
  return (
    <figure className="lockscreen" aria-label={label}>
      <div className="lockscreen-clock">{clock}</div>
      <div className="lockscreen-note">
        <div className="lockscreen-app">
          <span className="lockscreen-icon" aria-hidden="true">
            ☕
          </span>
          <span>{title}</span>
          <span className="lockscreen-now">now</span>
        </div>
        <div className="lockscreen-message">{message || <span className="hint">Your message appears here</span>}</div>
      </div>
      {nearby !== undefined && (
        <div className="lockscreen-note lockscreen-nearby" data-testid="lockscreen-nearby">
          <div className="lockscreen-app">
            <span className="lockscreen-icon" aria-hidden="true">
              📍
            </span>
            <span>Near your shop</span>
          </div>
          <div className="lockscreen-message">{nearby || <span className="hint">Your nearby text appears here</span>}</div>
        </div>
      )}
    </figure>
  );
}
