import type { TranslationBundle } from '@jupyterlab/translation';
import { nullTranslator } from '@jupyterlab/translation';

/**
 * The word shown for a participant's role ("Interviewer", "Candidate"), or
 * '' for a role the page does not know (never the raw value: awareness
 * states of other servers' versions may hold anything).
 */
export function roleLabel(
  role: unknown,
  trans: TranslationBundle = nullTranslator.load('devinterview_jupyter')
): string {
  if (role === 'interviewer') {
    return trans.__('Interviewer');
  }
  if (role === 'candidate') {
    return trans.__('Candidate');
  }
  return '';
}

/**
 * A visible role badge (`.jp-DevInterview-roleBadge`), or null for an
 * unknown role.
 */
export function roleBadge(
  role: unknown,
  trans?: TranslationBundle
): HTMLElement | null {
  const label = roleLabel(role, trans);
  if (!label) {
    return null;
  }
  const badge = document.createElement('span');
  badge.className = 'jp-DevInterview-roleBadge';
  badge.dataset.role = String(role);
  badge.textContent = label;
  return badge;
}
