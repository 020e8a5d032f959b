import type { TranslationBundle } from '@jupyterlab/translation';
import type { Awareness } from 'y-protocols/awareness';

import { roleLabel } from './roles';

/**
 * The room's awareness as the editor's remote-cursor plugin should read it:
 * every participant's `user.name` followed by their role ("Ada ·
 * Interviewer"), since y-codemirror.next labels a cursor with `user.name`
 * only. Everything else (the local state, events, writes) is the awareness
 * itself.
 */
export function labelledAwareness(
  awareness: Awareness,
  trans?: TranslationBundle
): Awareness {
  const getStates = (): Map<number, Record<string, any>> => {
    const labelled = new Map<number, Record<string, any>>();
    awareness.getStates().forEach((state, clientId) => {
      labelled.set(clientId, withRole(state, trans));
    });
    return labelled;
  };
  return new Proxy(awareness, {
    get(target, property, receiver) {
      if (property === 'getStates') {
        return getStates;
      }
      const value = Reflect.get(target, property, receiver);
      // Methods run on the awareness itself (its private fields are there).
      return typeof value === 'function' ? value.bind(target) : value;
    }
  });
}

/**
 * `state` with the role appended to its user's name (unchanged when the name
 * or the role is missing).
 */
export function withRole(
  state: Record<string, any>,
  trans?: TranslationBundle
): Record<string, any> {
  const user = state?.user;
  const label = roleLabel(user?.role, trans);
  if (!label || typeof user?.name !== 'string') {
    return state;
  }
  return { ...state, user: { ...user, name: `${user.name} · ${label}` } };
}
