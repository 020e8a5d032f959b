import type { User } from '@jupyterlab/services';

import type { IRoomUser } from '../room/provider';

/**
 * Colours for participants whose JupyterLab colour cannot be read as hex.
 */
const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#e377c2',
  '#8c564b'
];

/**
 * A `#rrggbb` colour for a participant: JupyterLab's identity colour (often
 * a `var(--jp-collaborator-colorN)`) resolved against the page, else one of
 * a fixed palette picked from the name.
 */
export function hexColor(color: string | undefined, name: string): string {
  let value = (color ?? '').trim();
  const variable = /^var\((--[\w-]+)\)$/.exec(value);
  if (variable && typeof document !== 'undefined') {
    value = getComputedStyle(document.body)
      .getPropertyValue(variable[1])
      .trim();
  }
  if (/^#[0-9a-f]{6}$/i.test(value)) {
    return value.toLowerCase();
  }
  if (/^#[0-9a-f]{3}$/i.test(value)) {
    return `#${Array.from(value.slice(1), c => c + c).join('')}`.toLowerCase();
  }
  let hash = 0;
  for (const char of name) {
    hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  }
  return PALETTE[hash % PALETTE.length];
}

/**
 * The interviewer's awareness entry from the JupyterLab identity.
 */
export function interviewerUser(identity: User.IIdentity | null): IRoomUser {
  const name =
    identity?.display_name ||
    identity?.name ||
    identity?.username ||
    'Interviewer';
  return {
    name,
    color: hexColor(identity?.color, name),
    role: 'interviewer'
  };
}
