/**
 * The pass's images decoded back with sharp: sizes per scale, and the strip's pixels, a
 * filled stamp in the card's foreground colour and an empty one showing the background.
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { logoImages, parseHexColor, passImages, stampLayout, STRIP_PT } from './pass-images';

const colors = { background: '#3b2a20', foreground: '#f5e6c8' };

/** The RGB of the pixel at (x, y) of a PNG. */
async function pixel(png: Buffer, x: number, y: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const at = (Math.round(y) * info.width + Math.round(x)) * info.channels;
  return [data[at]!, data[at + 1]!, data[at + 2]!];
}

const size = async (png: Buffer) => {
  const meta = await sharp(png).metadata();
  return [meta.width, meta.height];
};

describe('passImages', () => {
  it('draws icon, logo and strip at @1x, @2x and @3x of Apple’s point sizes', async () => {
    const images = await passImages({ colors, stamps: 3, stampsRequired: 10 });
    expect(await size(images['icon.png']!)).toEqual([29, 29]);
    expect(await size(images['icon@3x.png']!)).toEqual([87, 87]);
    expect(await size(images['strip.png']!)).toEqual([375, 123]);
    expect(await size(images['strip@2x.png']!)).toEqual([750, 246]);
    expect(await size(images['strip@3x.png']!)).toEqual([1125, 369]);
    expect(await size(images['logo@2x.png']!)).toEqual([100, 100]);
  });

  it('fills the first stamps in the foreground colour and leaves the rest showing the background', async () => {
    const stamps = 3;
    const images = await passImages({ colors, stamps, stampsRequired: 10 });
    const scale = 2;
    const spots = stampLayout(10, STRIP_PT.width * scale, STRIP_PT.height * scale);
    const strip = images['strip@2x.png']!;
    for (const [i, spot] of spots.entries()) {
      const expected = i < stamps ? colors.foreground : colors.background;
      expect(await pixel(strip, spot.cx, spot.cy), `stamp ${i + 1}`).toEqual(parseHexColor(expected));
    }
    // Between two stamps is the card's background.
    expect(await pixel(strip, (spots[0]!.cx + spots[1]!.cx) / 2, spots[0]!.cy)).toEqual(parseHexColor(colors.background));
  });

  it('draws a full card as all stamps filled, and an empty card as none', async () => {
    const full = (await passImages({ colors, stamps: 10, stampsRequired: 10 }))['strip.png']!;
    const empty = (await passImages({ colors, stamps: 0, stampsRequired: 10 }))['strip.png']!;
    const last = stampLayout(10, STRIP_PT.width, STRIP_PT.height)[9]!;
    expect(await pixel(full, last.cx, last.cy)).toEqual(parseHexColor(colors.foreground));
    expect(await pixel(empty, last.cx, last.cy)).toEqual(parseHexColor(colors.background));
  });

  it('uses an uploaded logo, fitted inside 160×50 pt without stretching', async () => {
    const red = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#cc0000' } }).png().toBuffer();
    const images = await passImages({ colors, stamps: 0, stampsRequired: 10, logo: red });
    expect(await size(images['logo.png']!)).toEqual([50, 50]);
    expect(await size(images['logo@3x.png']!)).toEqual([150, 150]);
    expect(await pixel(images['logo@2x.png']!, 50, 50)).toEqual([204, 0, 0]);
    const wide = await sharp({ create: { width: 1000, height: 100, channels: 4, background: '#0000ff' } }).png().toBuffer();
    expect(await size((await logoImages(wide))['logo@2x.png']!)).toEqual([320, 32]);
  });

  it('refuses a colour that is not #RRGGBB', async () => {
    await expect(passImages({ colors: { ...colors, foreground: 'red"/><script>' }, stamps: 0, stampsRequired: 5 })).rejects.toThrow(/#RRGGBB/);
  });
});
