import type { User } from '@jupyterlab/services';

import { INTERVIEWER_COLORS } from '../profile/colors';
import type { IRoomUser } from '../room/provider';

/**
 * A `#rrggbb` colour for a participant until the server's own arrives (the
 * server assigns every participant's colour, ignoring this one: see
 * `followServerStamp`): JupyterLab's identity colour (often a
 * `var(--jp-collaborator-colorN)`) resolved against the page, else one of
 * the server's palette picked from the name.
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
  return INTERVIEWER_COLORS[hash % INTERVIEWER_COLORS.length];
}

/**
 * The interviewer's awareness entry from the JupyterLab identity: what the
 * page shows until the server's stamp (the display name chosen in
 * `/profile`, the assigned colour) replaces it.
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
