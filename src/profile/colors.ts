/**
 * The colours the server assigns participants (devinterview_jupyter/colors.py,
 * which decides: a client's own claim is never shown to others). Mirrored
 * here for what the page shows before the server's answer arrives; a unit
 * test checks both lists agree and every colour's contrast.
 */

/**
 * Every candidate's colour.
 */
export const CANDIDATE_COLOR = '#d9480f';

/**
 * The session's interviewers' colours, in the order of their sorted names.
 */
export const INTERVIEWER_COLORS: readonly string[] = [
  '#1c7ed6',
  '#2b8a3e',
  '#ae3ec9',
  '#1098ad',
  '#d6336c',
  '#b7791f',
  '#7048e8'
];

/**
 * JupyterLab's light and dark backgrounds, against which every colour keeps
 * `MIN_CONTRAST`.
 */
export const LIGHT_BACKGROUND = '#ffffff';
export const DARK_BACKGROUND = '#111111';

/**
 * WCAG 2's minimum contrast for non-text marks (cursors, dots, badges).
 */
export const MIN_CONTRAST = 3;

/**
 * Whether `value` is a `#rrggbb` colour.
 */
export function isHexColor(value: unknown): value is string {
  return typeof value === 'string' && /^#[0-9a-f]{6}$/i.test(value);
}

/**
 * The WCAG 2 contrast ratio of two `#rrggbb` colours (1 to 21).
 */
export function contrastRatio(a: string, b: string): number {
  const [high, low] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (high + 0.05) / (low + 0.05);
}

function luminance(color: string): number {
  const channel = (index: number): number => {
    const c = parseInt(color.slice(index, index + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}
