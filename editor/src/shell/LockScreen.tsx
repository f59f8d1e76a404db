/**
 * A phone lock screen showing a wallet pass notification: how a push reads to the card
 * holder. Used by the push form (preview) and the outbox (what was sent).
 */
import { displayTimeZone } from './format';

export function LockScreen({ title, message, at }: { title: string; message: string; at?: Date }) {
  const time = at ?? new Date();
  const clock = time.toLocaleTimeString([], { timeZone: displayTimeZone(), hour: '2-digit', minute: '2-digit' });
  return (
    <figure className="lockscreen" aria-label={`Lock screen preview: ${message || 'empty message'}`}>
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
    </figure>
  );
}
