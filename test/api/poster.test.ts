/**
 * The card's counter poster: an A4 or A5 PDF that poppler renders (as a printer would), whose
 * QR code, read back from the rendered page by jsQR, is the card's join page, with the shop's
 * name and the reward in its text. Needs poppler-utils (`pdftoppm`, `pdftotext`).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type TestMerchant } from './harness';

const SCREENSHOTS = fileURLToPath(new URL('../e2e/screenshots/', import.meta.url));
let h: Harness;
let m: TestMerchant;
beforeAll(async () => {
  h = await startHarness();
  m = await h.merchant('Corner Café');
  const look = { backgroundColor: '#1d4e89', foregroundColor: '#ffffff', reward: 'a free flat white' };
  await m.api.v1.cards[':id'].$patch({ param: { id: m.cardId }, json: look });
});
afterAll(async () => h?.close());

async function poster(query = '') {
  const res = await h.app.request(`/v1/cards/${m.cardId}/poster.pdf${query}`, { headers: { Authorization: `Bearer ${m.apiKey}` } });
  return { status: res.status, type: res.headers.get('Content-Type'), pdf: Buffer.from(await res.arrayBuffer()) };
}

/** Renders page 1 at `dpi` as 8-bit grey (PGM) and answers the QR text jsQR reads in it. */
function readQr(pdfPath: string, dpi: number): string | undefined {
  const prefix = pdfPath.replace(/\.pdf$/, '');
  execFileSync('pdftoppm', ['-r', String(dpi), '-gray', '-singlefile', pdfPath, prefix]);
  const pgm = readFileSync(`${prefix}.pgm`);
  const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1'));
  if (!header) throw new Error('pdftoppm did not write a PGM');
  const [width, height] = [Number(header[1]), Number(header[2])];
  const grey = pgm.subarray(header[0].length);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([grey[i] ?? 0, grey[i] ?? 0, grey[i] ?? 0, 255], i * 4);
  return jsQR(rgba, width, height)?.data;
}

describe('GET /v1/cards/:id/poster.pdf', () => {
  it.each([
    ['', 'A4', '595.28 x 841.89'],
    ['?size=A5', 'A5', '419.53 x 595.28'],
  ] as const)('renders the poster%s on %s with the join QR, the shop and the reward', async (query, size, points) => {
    const res = await poster(query);
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/pdf');
    const dir = mkdtempSync(join(tmpdir(), 'stampflow-poster-'));
    const path = join(dir, 'poster.pdf');
    writeFileSync(path, res.pdf);
    const info = execFileSync('pdfinfo', [path]).toString();
    expect(info).toMatch(new RegExp(`Page size:\\s+${points} pts`));
    const text = execFileSync('pdftotext', [path, '-']).toString();
    expect(text).toContain('Corner Café');
    expect(text).toContain('Collect 10 stamps, get a free flat white');
    expect(readQr(path, 100)).toBe(`http://localhost:3000/join/${m.cardId}`);
    // For people to look at: the page as a phone would show a photo of it.
    mkdirSync(SCREENSHOTS, { recursive: true });
    execFileSync('pdftoppm', ['-png', '-scale-to-x', '390', '-scale-to-y', '-1', '-singlefile', path, join(SCREENSHOTS, `poster-${size.toLowerCase()}`)]);
  });

  it('refuses a size it does not print', async () => {
    expect((await poster('?size=Letter')).status).toBe(400);
  });
});
