/**
 * An id for one tap at the counter, sent as the event's `id`: a retried request is the same
 * event, a second tap is a new one. `crypto.getRandomValues` works on plain http too (a phone
 * on the shop's Wi-Fi), where `crypto.randomUUID` does not.
 */
export function tapId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `counter-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
