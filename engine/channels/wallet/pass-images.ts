/**
 * The images of an Apple pass, drawn as SVG and rendered to PNG by sharp (libvips): the
 * icon Wallet requires (lock screen, Mail), the logo (the merchant's own upload, or a
 * stamp), and the strip, a row of filled and empty stamps in the card's colours. The same
 * stamp row SVG is inlined in the customer's card page, so the pass and the page agree.
 */
import sharp from 'sharp';

/** Apple's point sizes (storeCard); each image also at @2x and @3x. */
export const ICON_PT = { width: 29, height: 29 } as const;
export const LOGO_PT = { width: 160, height: 50 } as const;
export const STRIP_PT = { width: 375, height: 123 } as const;
const SCALES = [1, 2, 3] as const;
/** A card with more stamps than this still draws this many (the API caps lower anyway). */
const MAX_STAMPS_DRAWN = 30;

/** `#RRGGBB` → `[r, g, b]`; throws on anything else, so a bad colour fails the build, not the device. */
export function parseHexColor(hex: string): [number, number, number] {
  const match = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(hex);
  if (!match) throw new TypeError(`expected a colour as #RRGGBB, got ${JSON.stringify(hex)}`);
  return [parseInt(match[1]!, 16), parseInt(match[2]!, 16), parseInt(match[3]!, 16)];
}

/** A colour checked by `parseHexColor`, safe to put in SVG markup. */
const checked = (hex: string): string => (parseHexColor(hex), hex);

export interface StampRowOptions {
  readonly stamps: number;
  readonly stampsRequired: number;
  readonly ink: string;
  /** The strip's background; transparent when omitted (the card page's own background shows). */
  readonly paper?: string | undefined;
  readonly width: number;
  readonly height: number;
}

/** Where each stamp sits: one row up to 8 stamps, two rows beyond. */
export function stampLayout(count: number, width: number, height: number) {
  const n = Math.min(Math.max(count, 1), MAX_STAMPS_DRAWN);
  const rows = n <= 8 ? 1 : 2;
  const cols = Math.ceil(n / rows);
  const cell = Math.min(width / cols, height / rows);
  const radius = cell * 0.4;
  const left = (width - cell * cols) / 2;
  const top = (height - cell * rows) / 2;
  return Array.from({ length: n }, (_, i) => ({
    cx: left + cell * ((i % cols) + 0.5),
    cy: top + cell * (Math.floor(i / cols) + 0.5),
    r: radius,
  }));
}

/**
 * The stamp row as SVG: a filled stamp is a disc in `ink` with a ring pressed into it; an
 * empty one is a thin ring.
 *
 * @example
 * stampRowSvg({ stamps: 3, stampsRequired: 10, ink: '#ffffff', paper: '#3b2a20', width: 375, height: 123 });
 */
export function stampRowSvg(o: StampRowOptions): string {
  const ink = checked(o.ink);
  const background = o.paper ? `<rect width="100%" height="100%" fill="${checked(o.paper)}"/>` : '';
  const inner = o.paper ? checked(o.paper) : 'none';
  const shapes = stampLayout(o.stampsRequired, o.width, o.height).map(({ cx, cy, r }, i) => {
    const at = `cx="${round(cx)}" cy="${round(cy)}"`;
    if (i < o.stamps) {
      const ring = o.paper ? `<circle ${at} r="${round(r * 0.66)}" fill="none" stroke="${inner}" stroke-width="${round(r * 0.1)}"/>` : '';
      return `<circle class="stamp full" ${at} r="${round(r)}" fill="${ink}"/>${ring}`;
    }
    return `<circle class="stamp" ${at} r="${round(r - r * 0.06)}" fill="none" stroke="${ink}" stroke-opacity="0.6" stroke-width="${round(r * 0.12)}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${o.width}" height="${o.height}" viewBox="0 0 ${o.width} ${o.height}">${background}${shapes.join('')}</svg>`;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A single stamp (a ring and a dot) in `ink` on `paper` (transparent when omitted), as SVG. */
function stampSvg(size: number, ink: string, paper?: string): string {
  const c = size / 2;
  const background = paper ? `<rect width="100%" height="100%" fill="${checked(paper)}"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">${background}<circle cx="${c}" cy="${c}" r="${size * 0.38}" fill="none" stroke="${checked(ink)}" stroke-width="${size * 0.08}"/><circle cx="${c}" cy="${c}" r="${size * 0.18}" fill="${ink}"/></svg>`;
}

const png = (svg: string): Promise<Buffer> => sharp(Buffer.from(svg)).png().toBuffer();

/** `name.png`, `name@2x.png`, `name@3x.png`. */
const scaled = (name: string, scale: number) => (scale === 1 ? `${name}.png` : `${name}@${scale}x.png`);

/**
 * The logo slot's images from an uploaded logo (any format sharp reads): fitted inside
 * 160×50 pt at each scale, never stretched.
 */
export async function logoImages(logo: Buffer): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  for (const scale of SCALES) {
    out[scaled('logo', scale)] = await sharp(logo)
      .resize(LOGO_PT.width * scale, LOGO_PT.height * scale, { fit: 'inside' })
      .png()
      .toBuffer();
  }
  return out;
}

export interface PassImageInput {
  readonly colors: { readonly background: string; readonly foreground: string };
  readonly stamps: number;
  readonly stampsRequired: number;
  /** The merchant's logo for this card, if uploaded. */
  readonly logo?: Buffer | null | undefined;
}

/** Every image of the pass: icon, logo and strip, each at @1x, @2x and @3x. */
export async function passImages(input: PassImageInput): Promise<Record<string, Buffer>> {
  const { background, foreground } = input.colors;
  const out: Record<string, Buffer> = {};
  for (const scale of SCALES) {
    out[scaled('icon', scale)] = await png(stampSvg(ICON_PT.width * scale, foreground, background));
    out[scaled('strip', scale)] = await png(
      stampRowSvg({
        stamps: input.stamps,
        stampsRequired: input.stampsRequired,
        ink: foreground,
        paper: background,
        width: STRIP_PT.width * scale,
        height: STRIP_PT.height * scale,
      }),
    );
    if (!input.logo) out[scaled('logo', scale)] = await png(stampSvg(LOGO_PT.height * scale, foreground));
  }
  return input.logo ? { ...out, ...(await logoImages(input.logo)) } : out;
}
