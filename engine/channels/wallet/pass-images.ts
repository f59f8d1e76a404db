/**
 * The images every Apple pass needs, drawn in code: Wallet refuses a pass without
 * `icon.png` (it is what the lock screen and Mail show), and drawing them here in the
 * card's own colours means no binary assets to commit and no model folder to find at run
 * time. A stamp (a ring with a dot) is simple enough to draw pixel by pixel.
 */
import { crc32, deflateSync } from 'node:zlib';

/** An RGBA colour, 0–255 per channel. */
export type Rgba = readonly [number, number, number, number];

/** A few bytes of PNG (8-bit RGBA, no interlace): enough for solid shapes. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgba): Buffer {
  // Each scanline starts with its filter type (0: none), then 4 bytes per pixel.
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 4 + 1);
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), row + 1 + x * 4);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), compression, filter, interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

/** `#RRGGBB` → `[r, g, b]`; throws on anything else, so a bad colour fails the build, not the device. */
export function parseHexColor(hex: string): [number, number, number] {
  const match = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(hex);
  if (!match) throw new TypeError(`expected a colour as #RRGGBB, got ${JSON.stringify(hex)}`);
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

/** A square stamp: a ring and a dot in `ink` on `paper` (transparent when omitted). */
export function stampImage(size: number, ink: string, paper?: string): Buffer {
  const inkRgba: Rgba = [...parseHexColor(ink), 255];
  const paperRgba: Rgba = paper ? [...parseHexColor(paper), 255] : [0, 0, 0, 0];
  const centre = (size - 1) / 2;
  const outer = size * 0.42;
  const ringWidth = Math.max(1, size * 0.08);
  const dot = size * 0.18;
  return encodePng(size, size, (x, y) => {
    const distance = Math.hypot(x - centre, y - centre);
    const onRing = distance <= outer && distance >= outer - ringWidth;
    return onRing || distance <= dot ? inkRgba : paperRgba;
  });
}

/**
 * `icon.png` (29 pt, required), its @2x, and `logo.png` (shown before `logoText`,
 * transparent so it sits on the card's background).
 */
export function passImages(colors: {
  readonly background: string;
  readonly foreground: string;
}): Record<string, Buffer> {
  return {
    'icon.png': stampImage(29, colors.foreground, colors.background),
    'icon@2x.png': stampImage(58, colors.foreground, colors.background),
    'logo.png': stampImage(50, colors.foreground),
    'logo@2x.png': stampImage(100, colors.foreground),
  };
}
