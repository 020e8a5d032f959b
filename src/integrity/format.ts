import type { TranslationBundle } from '@jupyterlab/translation';

import type { IIntegrityPolicy, ISessionEvent } from '../api/types';

/**
 * The most characters one paste report may carry (as the server's schema).
 */
export const MAX_PASTE_CHARS = 10_000_000;

/**
 * The number of characters (Unicode code points, as a person counts them) of
 * `text`, without copying it: a paste may be megabytes.
 */
export function countChars(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
      }
    }
    count++;
  }
  return count;
}

/**
 * What the candidate is told is recorded, one sentence per item, in the
 * order the notice lists them.
 */
export function recordedItems(
  policy: IIntegrityPolicy,
  trans: TranslationBundle
): string[] {
  const history = trans.__(
    'The code, the whiteboard and every run and test result, with each change as it happens, so that the interview can be replayed afterwards.'
  );
  if (!policy.signals) {
    return [
      history,
      trans.__(
        'Nothing else: pastes, and whether this page is hidden or loses focus, are not recorded.'
      )
    ];
  }
  return [
    history,
    trans.__(
      'Large pastes into the code editor (%1 characters or more): their size and time only. The pasted text is part of the code history anyway.',
      policy.paste_chars
    ),
    trans.__(
      'When this page is hidden (another tab or window in front, or minimised), from when to when.'
    ),
    trans.__(
      'When this page loses the focus (you work in another window), from when to when.'
    ),
    trans.__(
      'Nothing else: no screen, camera or microphone, and nothing from other tabs or programs.'
    )
  ];
}

/**
 * The sentences around the list: what the interviewers see, and what the
 * signals are worth.
 */
export function recordedFootnote(
  policy: IIntegrityPolicy,
  trans: TranslationBundle
): string {
  return policy.signals
    ? trans.__(
        'Your interviewers see the pastes and the hidden or unfocused times as they happen and in the replay. This page reports them; they help the interviewers ask about what happened and prove nothing on their own.'
      )
    : trans.__('Only your interviewers can see the replay.');
}

/**
 * A time of day, to the second, in the page's locale.
 */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (isNaN(date.getTime())) {
    return iso;
  }
  return date.toLocaleTimeString(undefined, {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  });
}

/**
 * A short duration: "<1 s", "35 s", "2 min 5 s", "1 h 3 min".
 */
export function formatDuration(ms: number, trans: TranslationBundle): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 1) {
    return trans.__('<1 s');
  }
  if (seconds < 60) {
    return trans.__('%1 s', seconds);
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    const rest = seconds % 60;
    return rest
      ? trans.__('%1 min %2 s', minutes, rest)
      : trans.__('%1 min', minutes);
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest ? trans.__('%1 h %2 min', hours, rest) : trans.__('%1 h', hours);
}

/**
 * Who reported an event, as interviewers read it.
 */
export function eventAuthor(
  event: ISessionEvent,
  trans: TranslationBundle
): string {
  if (event.participant_name) {
    return event.participant_name;
  }
  return event.role === 'candidate'
    ? trans.__('Candidate')
    : trans.__('Interviewer');
}

/**
 * What happened, without who and when: "pasted 340 characters", "page hidden",
 * "window unfocused".
 */
export function eventWhat(
  event: ISessionEvent,
  trans: TranslationBundle
): string {
  switch (event.kind) {
    case 'paste':
      return trans._n(
        'pasted %1 character',
        'pasted %1 characters',
        event.size ?? 0
      );
    case 'hidden':
      return trans.__('page hidden');
    default:
      return trans.__('window unfocused');
  }
}

/**
 * When: "12:03:10" (a paste), "12:04:05–12:04:40 (35 s)" (an interval), or
 * "since 12:04:05" (one that lasts).
 */
export function eventWhen(
  event: ISessionEvent,
  trans: TranslationBundle
): string {
  const start = formatClock(event.started_at);
  if (event.kind === 'paste') {
    return start;
  }
  if (!event.ended_at) {
    return trans.__('since %1', start);
  }
  const ms = Date.parse(event.ended_at) - Date.parse(event.started_at);
  return trans.__(
    '%1–%2 (%3)',
    start,
    formatClock(event.ended_at),
    formatDuration(ms, trans)
  );
}

/**
 * One line of the interviewers' list: "Grace: pasted 340 characters ·
 * 12:03:10", "Grace: page hidden · 12:04:05–12:04:40 (35 s)".
 */
export function describeEvent(
  event: ISessionEvent,
  trans: TranslationBundle
): string {
  return trans.__(
    '%1: %2 · %3',
    eventAuthor(event, trans),
    eventWhat(event, trans),
    eventWhen(event, trans)
  );
}
