/**
 * The widget's colours, derived from the workspace's brand colour so that each stays readable
 * where it is used, whatever colour a site picks (WCAG 2.2: 4.5:1 for text, 3:1 for the focus
 * ring against what surrounds it). A light brand such as yellow keeps its launcher and header,
 * with dark text on them, and gets a darker shade of itself for the ring and for links.
 */

export const DEFAULT_BRAND_COLOR = '#2b59c3';

/** The darkest background a ring or a link of the panel sits on (the email prompt's). */
export const PANEL_SHADE = '#f7f8fb';

const TEXT_CONTRAST = 4.5;
const NON_TEXT_CONTRAST = 3;

export interface Palette {
  /** The launcher, the header, buttons, the visitor's messages, avatars. */
  readonly brand: string;
  /** Text and icons on the brand colour: white, or black where white would be too faint. */
  readonly onBrand: string;
  /** The focus ring on the panel's light backgrounds: the brand colour, darkened if need be. */
  readonly ring: string;
  /** Links and text buttons on the panel's light backgrounds. */
  readonly brandText: string;
}

type Rgb = readonly [number, number, number];

/** The palette of a `#rrggbb` colour; the default palette for anything else. */
export function paletteOf(color: string | null): Palette {
  const brand = color !== null && /^#[0-9a-f]{6}$/i.test(color) ? color : DEFAULT_BRAND_COLOR;
  const rgb = parseHex(brand);
  const shade = parseHex(PANEL_SHADE);
  return {
    brand,
    onBrand: contrast(rgb, [255, 255, 255]) >= TEXT_CONTRAST ? '#ffffff' : '#000000',
    ring: toHex(darkenUntil(rgb, shade, NON_TEXT_CONTRAST)),
    brandText: toHex(darkenUntil(rgb, shade, TEXT_CONTRAST)),
  };
}

/** The colour, darkened step by step toward black until it reaches `ratio` against `background`. */
function darkenUntil(color: Rgb, background: Rgb, ratio: number): Rgb {
  let current = color;
  while (contrast(current, background) < ratio) {
    // Rounding down only darkens further: the contrast reached is never rounded away.
    const [r, g, b] = current;
    current = [Math.floor(r * 0.92), Math.floor(g * 0.92), Math.floor(b * 0.92)];
  }
  return current;
}

/** WCAG 2.2's contrast ratio of two colours, from 1 to 21. */
function contrast(a: Rgb, b: Rgb): number {
  const [first, second] = [luminance(a), luminance(b)];
  return (Math.max(first, second) + 0.05) / (Math.min(first, second) + 0.05);
}

/** WCAG 2.2's relative luminance of an sRGB colour. */
function luminance([r, g, b]: Rgb): number {
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function linear(channel: number): number {
  const c = channel / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function parseHex(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return [value >> 16, (value >> 8) & 255, value & 255];
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((channel) => channel.toString(16).padStart(2, '0')).join('')}`;
}
