/**
 * Builds a customer's signed Apple Wallet pass (`.pkpass`) from its `PassContent`.
 *
 * The model is made in memory (images rendered by sharp in `pass-images.ts`, everything else passed
 * as props) so the API and the worker need no model folder on disk and every pass of a
 * card is built the same way. The one field that matters for flows is the `message`
 * back field: Wallet shows a lock-screen notification only when a field that has a
 * `changeMessage` changes value, so the pushed text goes there verbatim.
 */
import { PKPass, PassType } from 'passkit-generator';
import { passImages, parseHexColor } from './pass-images';
import type { AppleSigner, PassContent } from './types';
import { shortCode } from './pass-code';

/** `%@` is replaced by the field's new value: the lock screen shows exactly the message. */
export const MESSAGE_CHANGE = '%@';
/** For a message with a long text: the lock screen says there is more to read. */
export const MESSAGE_CHANGE_MORE = '%@ · more on the back of your card';

/**
 * Builds and signs the pass.
 *
 * @example
 * const pkpass = await buildApplePass(content, signer);
 * // serve as application/vnd.apple.pkpass with Last-Modified: lastModified(content).toUTCString()
 */
export async function buildApplePass(content: PassContent, signer: AppleSigner): Promise<Buffer> {
  const pass = new PKPass(
    await passImages(content),
    {
      wwdr: signer.wwdrPem,
      signerCert: signer.certPem,
      signerKey: signer.keyPem,
      ...(signer.keyPassphrase ? { signerKeyPassphrase: signer.keyPassphrase } : {}),
    },
    {
      formatVersion: 1,
      passTypeIdentifier: signer.passTypeId,
      teamIdentifier: signer.teamId,
      serialNumber: content.serialNumber,
      authenticationToken: content.authenticationToken,
      webServiceURL: content.webServiceUrl,
      organizationName: content.organizationName,
      description: `${content.cardName} stamp card`,
      logoText: content.organizationName,
      backgroundColor: rgb(content.colors.background),
      foregroundColor: rgb(content.colors.foreground),
      labelColor: rgb(content.colors.label),
    },
  );
  const card = new PassType('storeCard');
  // The strip shows the stamps as a row of stamps; a primary field would be drawn over it,
  // so the count sits in the header, beside the logo.
  card.headerFields.push({ key: 'stamps', label: 'Stamps', value: `${content.stamps} of ${content.stampsRequired}` });
  card.secondaryFields.push(
    { key: 'reward', label: 'Reward', value: content.reward },
    { key: 'customer', label: 'Member', value: content.customerName },
  );
  if (content.voucher) {
    card.auxiliaryFields.push({ key: 'voucher-code', label: content.voucher.title, value: content.voucher.code });
  }
  // Kept exactly as given: the caller makes consecutive messages differ (a repeated text
  // would not change the value, and Wallet would show nothing).
  card.backFields.push({
    key: 'message',
    label: 'Latest message',
    value: content.message ?? '',
    changeMessage: content.messageHasMore ? MESSAGE_CHANGE_MORE : MESSAGE_CHANGE,
  });
  if (content.voucher) {
    const { title, code, expiresOn } = content.voucher;
    card.backFields.push({ key: 'voucher', label: 'Voucher', value: `${title}: ${code}, valid until ${expiresOn}` });
  }
  card.backFields.push({ key: 'stamps-info', label: 'Your reward', value: stampsInfo(content) });
  card.backFields.push({
    key: 'more',
    label: `More from ${content.organizationName}`,
    value: content.pageUrl,
    attributedValue: `<a href="${content.pageUrl}">Your card page: messages, vouchers and your code</a>`,
  });
  pass.types.push(card);
  setNearby(pass, content);
  // The short code under the QR is what staff type at the counter when the camera cannot scan.
  const altText = shortCode(content.barcode);
  pass.setBarcodes({ format: 'PKBarcodeFormatQR', message: content.barcode, messageEncoding: 'iso-8859-1', altText });
  return pass.getAsBuffer();
}

/**
 * The shops (each with the nearby text as `relevantText`) and, for a dated offer, its
 * window: `relevantDate` for iOS 6–17 and `relevantDates` for iOS 18 and later. Location
 * and date changes reach the phone silently with the next update of the pass.
 */
function setNearby(pass: PKPass, content: PassContent): void {
  const { locations, text, window } = content.nearby;
  if (locations.length > 0) {
    pass.setLocations(...locations.map((l) => ({ latitude: l.latitude, longitude: l.longitude, relevantText: text })));
  }
  if (window) {
    pass.setRelevantDate(window.start);
    pass.setRelevantDates([{ startDate: window.start.toISOString(), endDate: window.end.toISOString() }]);
  }
}

/**
 * The pass's `Last-Modified`: `updatedAt` in whole seconds, because HTTP dates have no
 * milliseconds and `If-Modified-Since` is compared against what the device was sent.
 */
export function lastModified(content: Pick<PassContent, 'updatedAt'>): Date {
  return new Date(Math.floor(content.updatedAt.getTime() / 1000) * 1000);
}

/** Wallet takes colours as `rgb(r, g, b)`; the merchant's are `#RRGGBB`. */
export function rgb(hex: string): string {
  const [r, g, b] = parseHexColor(hex);
  return `rgb(${r}, ${g}, ${b})`;
}

function stampsInfo(content: PassContent): string {
  const remaining = Math.max(0, content.stampsRequired - content.stamps);
  if (remaining === 0) return `You have earned ${content.reward}: show this card at the till.`;
  return `${remaining} more ${remaining === 1 ? 'stamp' : 'stamps'} until ${content.reward}.`;
}
