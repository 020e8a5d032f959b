/**
 * Names, roles and colours as the page shows them: the participants list
 * (badges, the lobby), the palette's contrast, remote cursors' labels, and
 * following the server's stamp of our own presence.
 */
import { nullTranslator } from '@jupyterlab/translation';
import * as encoding from 'lib0/encoding';
import {
  Awareness,
  encodeAwarenessUpdate,
  applyAwarenessUpdate
} from 'y-protocols/awareness';
import * as Y from 'yjs';

import { ParticipantsList } from '../interview/participants';
import {
  CANDIDATE_COLOR,
  DARK_BACKGROUND,
  INTERVIEWER_COLORS,
  LIGHT_BACKGROUND,
  MIN_CONTRAST,
  contrastRatio
} from '../profile/colors';
import { labelledAwareness, withRole } from '../profile/cursors';
import { roleLabel } from '../profile/roles';
import { ownStamp } from '../profile/stamp';

const trans = nullTranslator.load('devinterview_jupyter');

/**
 * A remote participant's awareness, whose states are copied into `into`.
 */
function remote(
  into: Awareness,
  state: Record<string, unknown>,
  clientId?: number
): Awareness {
  const doc = new Y.Doc();
  if (clientId !== undefined) {
    doc.clientID = clientId;
  }
  const other = new Awareness(doc);
  other.setLocalState(state);
  applyAwarenessUpdate(
    into,
    encodeAwarenessUpdate(other, [other.clientID]),
    'remote'
  );
  return other;
}

describe('ParticipantsList', () => {
  it('shows each role as a visible badge, and who is in the lobby', () => {
    const awareness = new Awareness(new Y.Doc());
    awareness.setLocalState({
      user: { name: 'Ada', color: INTERVIEWER_COLORS[0], role: 'interviewer' }
    });
    remote(awareness, {
      user: { name: 'Grace', color: CANDIDATE_COLOR, role: 'candidate' },
      lobby: true
    });
    const list = new ParticipantsList({ awareness, trans });
    const items = Array.from(
      list.node.querySelectorAll<HTMLElement>('li.jp-DevInterview-participant')
    );
    expect(items).toHaveLength(2);
    const ada = items.find(i => i.dataset.role === 'interviewer')!;
    const grace = items.find(i => i.dataset.role === 'candidate')!;
    expect(ada.querySelector('.jp-DevInterview-roleBadge')?.textContent).toBe(
      'Interviewer'
    );
    expect(ada.textContent).toContain('Ada (you)');
    expect(ada.dataset.lobby).toBeUndefined();
    expect(ada.textContent).not.toContain('in the lobby');
    expect(grace.querySelector('.jp-DevInterview-roleBadge')?.textContent).toBe(
      'Candidate'
    );
    expect(grace.dataset.lobby).toBe('true');
    expect(grace.textContent).toContain('in the lobby');
    const dot = grace.querySelector<HTMLElement>(
      '.jp-DevInterview-participantDot'
    )!;
    expect(dot.style.backgroundColor).toBe('rgb(217, 72, 15)');
    list.dispose();
  });

  it('leaves the lobby when the state says so', () => {
    const awareness = new Awareness(new Y.Doc());
    const grace = remote(awareness, {
      user: { name: 'Grace', color: CANDIDATE_COLOR, role: 'candidate' },
      lobby: true
    });
    const list = new ParticipantsList({ awareness, trans });
    expect(list.node.querySelector('[data-lobby="true"]')).not.toBeNull();
    grace.setLocalStateField('lobby', false);
    applyAwarenessUpdate(
      awareness,
      encodeAwarenessUpdate(grace, [grace.clientID]),
      'remote'
    );
    expect(list.node.querySelector('[data-lobby="true"]')).toBeNull();
    expect(list.node.textContent).not.toContain('in the lobby');
    list.dispose();
  });

  it('shows no badge for an unknown role and no colour that is not hex', () => {
    const awareness = new Awareness(new Y.Doc());
    remote(awareness, {
      user: { name: 'Eve', color: 'red; background: url(x)', role: 'admin' }
    });
    const list = new ParticipantsList({ awareness, trans });
    const item = list.node.querySelector<HTMLElement>('li')!;
    expect(item.querySelector('.jp-DevInterview-roleBadge')).toBeNull();
    expect(item.textContent).not.toContain('admin');
    const dot = item.querySelector<HTMLElement>(
      '.jp-DevInterview-participantDot'
    )!;
    expect(dot.getAttribute('style') ?? '').toBe('');
    list.dispose();
  });
});

describe('the palette', () => {
  const all = [CANDIDATE_COLOR, ...INTERVIEWER_COLORS];

  it.each(all)('%s keeps 3:1 on light and dark themes', color => {
    expect(contrastRatio(color, LIGHT_BACKGROUND)).toBeGreaterThanOrEqual(
      MIN_CONTRAST
    );
    expect(contrastRatio(color, DARK_BACKGROUND)).toBeGreaterThanOrEqual(
      MIN_CONTRAST
    );
  });

  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    // A colour of the old palette: too faint on the light theme.
    expect(contrastRatio('#17becf', LIGHT_BACKGROUND)).toBeLessThan(
      MIN_CONTRAST
    );
  });

  it('has distinct colours (tests/test_names.py checks they are the server’s)', () => {
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('remote cursor labels', () => {
  it('append the role to the name', () => {
    expect(
      withRole({ user: { name: 'Ada', role: 'interviewer' }, cursor: 1 }, trans)
    ).toEqual({
      user: { name: 'Ada · Interviewer', role: 'interviewer' },
      cursor: 1
    });
    expect(withRole({ user: { name: 'Grace', role: 'candidate' } })).toEqual({
      user: { name: 'Grace · Candidate', role: 'candidate' }
    });
    const odd = { user: { name: 'Eve', role: 'admin' } };
    expect(withRole(odd)).toBe(odd);
    expect(roleLabel(undefined)).toBe('');
  });

  it('read through an awareness that is otherwise the room’s', () => {
    const awareness = new Awareness(new Y.Doc());
    remote(awareness, { user: { name: 'Grace', role: 'candidate' } }, 77);
    const labelled = labelledAwareness(awareness, trans);
    expect(labelled.getStates().get(77)?.user.name).toBe('Grace · Candidate');
    // The room's own states are untouched, and writes reach it.
    expect(awareness.getStates().get(77)?.user.name).toBe('Grace');
    labelled.setLocalStateField('cursor', { anchor: 1 });
    expect(awareness.getLocalState()?.cursor).toEqual({ anchor: 1 });
    expect(labelled.clientID).toBe(awareness.clientID);
  });
});

describe('ownStamp', () => {
  function update(entries: [number, number, string][]): Uint8Array {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, entries.length);
    for (const [id, clock, state] of entries) {
      encoding.writeVarUint(encoder, id);
      encoding.writeVarUint(encoder, clock);
      encoding.writeVarString(encoder, state);
    }
    return encoding.toUint8Array(encoder);
  }
  const stamped = JSON.stringify({
    user: { name: 'Ada Lovelace', color: '#1c7ed6', role: 'interviewer' }
  });

  it('finds the user the server stamped on our own entry', () => {
    const found = ownStamp(
      update([
        [
          5,
          1,
          '{"user":{"name":"Grace","color":"#d9480f","role":"candidate"}}'
        ],
        [9, 3, stamped]
      ]),
      9
    );
    expect(found).toEqual({
      name: 'Ada Lovelace',
      color: '#1c7ed6',
      role: 'interviewer'
    });
  });

  it('finds nothing in others’ entries or in malformed ones', () => {
    expect(ownStamp(update([[5, 1, stamped]]), 9)).toBeNull();
    expect(
      ownStamp(
        update([[9, 1, '{"user":{"name":"x","color":"red","role":"x"}}']]),
        9
      )
    ).toBeNull();
    expect(ownStamp(update([[9, 1, 'null']]), 9)).toBeNull();
    expect(ownStamp(new Uint8Array([5, 1]), 9)).toBeNull();
  });
});
