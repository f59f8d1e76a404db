/**
 * The counter poster of a card: a printable A4 or A5 PDF with the join QR (drawn as vector
 * squares, sharp at any print size), the shop's name, the card's colours and its reward.
 * Made with pdfkit and qrcode; the built-in Helvetica needs no font files of ours.
 */
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

export const POSTER_SIZES = ['A4', 'A5'] as const;
export type PosterSize = (typeof POSTER_SIZES)[number];

export interface PosterCard {
  readonly shopName: string;
  readonly cardName: string;
  readonly reward: string;
  readonly stampsRequired: number;
  readonly backgroundColor: string;
  readonly foregroundColor: string;
  readonly joinUrl: string;
  /** The card's logo (PNG), drawn above the shop's name. */
  readonly logo?: Buffer | null | undefined;
}

/**
 * The poster as PDF bytes.
 *
 * @example
 * const pdf = await posterPdf(card, 'A5');
 */
export function posterPdf(card: PosterCard, size: PosterSize): Promise<Buffer> {
  const doc = new PDFDocument({ size, margin: 0, info: { Title: `${card.cardName} · ${card.shopName}` } });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { width, height } = doc.page;
  const unit = width / 595; // A4 is the design size; A5 scales down.
  const margin = 40 * unit;
  const textWidth = width - 2 * margin;

  const bandHeight = 230 * unit;
  doc.rect(0, 0, width, bandHeight).fill(card.backgroundColor);
  let shopTop = 48 * unit;
  if (card.logo) {
    // The logo slot's shape (160×50), centred at the top of the band; the text moves down.
    const logoWidth = 160 * unit;
    const logoHeight = 50 * unit;
    doc.image(card.logo, (width - logoWidth) / 2, 20 * unit, { fit: [logoWidth, logoHeight], align: 'center', valign: 'center' });
    shopTop = 78 * unit;
  }
  doc.fillColor(card.foregroundColor).font('Helvetica').fontSize(22 * unit);
  doc.text(card.shopName, margin, shopTop, { width: textWidth, align: 'center' });
  doc.font('Helvetica-Bold').fontSize(40 * unit).text(card.cardName, { width: textWidth, align: 'center' });
  doc.moveDown(0.3).font('Helvetica').fontSize(22 * unit);
  doc.text(`Collect ${card.stampsRequired} stamps, get ${card.reward}`, { width: textWidth, align: 'center' });

  const qrSize = 300 * unit;
  const qrTop = bandHeight + 60 * unit;
  drawQr(doc, card.joinUrl, (width - qrSize) / 2, qrTop, qrSize);

  doc.fillColor('#222222').font('Helvetica-Bold').fontSize(30 * unit);
  doc.text('Scan to get your stamp card', margin, qrTop + qrSize + 30 * unit, { width: textWidth, align: 'center' });
  doc.font('Helvetica').fontSize(16 * unit).fillColor('#444444');
  doc.moveDown(0.4).text('Free. Keep it in Apple Wallet or Google Wallet and show it at the counter.', {
    width: textWidth,
    align: 'center',
  });
  doc.fontSize(11 * unit).fillColor('#666666');
  doc.text(card.joinUrl, margin, height - 50 * unit, { width: textWidth, align: 'center' });
  doc.end();
  return done;
}

/** The QR code of `text` as black squares in a `size`-point square at (x, y). */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const cell = size / modules.size;
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      // A hair of overlap so print drivers leave no white seams between squares.
      if (modules.get(row, col)) doc.rect(x + col * cell, y + row * cell, cell + 0.2, cell + 0.2);
    }
  }
  doc.fill('#000000');
}
