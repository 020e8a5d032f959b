/**
 * The interview's layout memory, keyboard shortcuts and keyboard behaviour:
 * the pure logic (stored sizes cleaned, shortcut matching), and the panel
 * against a FAKE server and a FAKE websocket that never connects.
 */
import { EditorView } from '@codemirror/view';
import { CodeMirrorEditorFactory } from '@jupyterlab/codemirror';
import type { CodeMirrorEditor } from '@jupyterlab/codemirror';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import { nullTranslator } from '@jupyterlab/translation';
import { MessageLoop } from '@lumino/messaging';
import type { Signal } from '@lumino/signaling';
import type { SplitPanel } from '@lumino/widgets';
import { Widget } from '@lumino/widgets';

import { DevInterviewClient } from '../api/client';
import type { ILayoutState, ILayoutStore } from '../interview/layout';
import {
  DEFAULT_LAYOUT,
  LAYOUT_STORAGE_KEY,
  LocalStorageLayoutStore,
  SettingsLayoutStore,
  cleanSizes,
  restoreLayout
} from '../interview/layout';
import { InterviewPanel } from '../interview/panel';
import {
  SHORTCUTS,
  matchShortcut,
  shortcutLabels,
  shortcutTable
} from '../interview/shortcuts';
import { FakeServer, makeSession } from './fakeServer';
import { FakeWebSocket } from './fakeWebSocket';

const trans = nullTranslator.load('devinterview_jupyter');

function key(
  code: string,
  mods: Partial<Record<'shift' | 'alt' | 'ctrl' | 'meta', boolean>> = {},
  keyName?: string
) {
  return {
    code,
    key: keyName ?? code,
    shiftKey: mods.shift ?? false,
    altKey: mods.alt ?? false,
    ctrlKey: mods.ctrl ?? false,
    metaKey: mods.meta ?? false
  };
}

describe('cleanSizes', () => {
  it('scales valid sizes to fractions', () => {
    expect(cleanSizes([1, 3], 2)).toEqual([0.25, 0.75]);
  });

  it.each([
    ['not an array', 'big'],
    ['the wrong count', [1, 2, 3]],
    ['a negative size', [-1, 2]],
    ['a non-number', [1, '2']],
    ['NaN', [NaN, 1]],
    ['Infinity', [Infinity, 1]],
    ['all zero', [0, 0]]
  ])('refuses %s', (_what, value) => {
    expect(cleanSizes(value, 2)).toBeNull();
  });

  it('never lets a pane vanish', () => {
    const sizes = cleanSizes([0, 1, 1], 3)!;
    expect(sizes[0]).toBeGreaterThan(0.03);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
  });
});

describe('restoreLayout', () => {
  it('gives the defaults for nothing or garbage', () => {
    for (const value of [null, undefined, 'x', 42, [1, 2], { main: 'x' }]) {
      expect(restoreLayout(value)).toEqual({
        withQuestion: cleanSizes([...DEFAULT_LAYOUT.withQuestion], 3),
        withoutQuestion: cleanSizes([...DEFAULT_LAYOUT.withoutQuestion], 3),
        main: cleanSizes([...DEFAULT_LAYOUT.main], 2),
        side: cleanSizes([...DEFAULT_LAYOUT.side], 2)
      });
    }
  });

  it('takes each valid part and ignores unknown keys', () => {
    const layout = restoreLayout({
      main: [3, 1],
      side: [1, 2, 3],
      __proto__: { main: [1, 1] },
      extra: 'ignored'
    });
    expect(layout.main).toEqual([0.75, 0.25]);
    expect(layout.side).toEqual([0.6, 0.4]);
    expect(Object.keys(layout).sort()).toEqual([
      'main',
      'side',
      'withQuestion',
      'withoutQuestion'
    ]);
  });

  it('defaults give the run area a third of the height', () => {
    const [work, runs] = cleanSizes([...DEFAULT_LAYOUT.main], 2)!;
    expect(runs / (work + runs)).toBeGreaterThan(0.25);
  });
});

describe('LocalStorageLayoutStore', () => {
  beforeEach(() => window.localStorage.clear());

  it('keeps a layout and gives it back', async () => {
    const store = new LocalStorageLayoutStore();
    const layout = restoreLayout({ main: [1, 1] });
    await store.save(layout);
    expect(
      JSON.parse(window.localStorage.getItem(LAYOUT_STORAGE_KEY)!)
    ).toEqual(layout);
    expect(restoreLayout(await store.load())).toEqual(layout);
  });

  it('gives null for a broken or oversized entry, and when storage is off', async () => {
    window.localStorage.setItem(LAYOUT_STORAGE_KEY, '{not json');
    expect(await new LocalStorageLayoutStore().load()).toBeNull();
    window.localStorage.setItem(
      LAYOUT_STORAGE_KEY,
      JSON.stringify({ main: [1, 1], pad: 'x'.repeat(5000) })
    );
    expect(await new LocalStorageLayoutStore().load()).toBeNull();
    const off = new LocalStorageLayoutStore(LAYOUT_STORAGE_KEY, () => {
      throw new Error('SecurityError');
    });
    expect(await off.load()).toBeNull();
    await expect(off.save(restoreLayout(null))).resolves.toBeUndefined();
  });
});

describe('SettingsLayoutStore', () => {
  it('reads and writes the `layout` setting', async () => {
    let stored: unknown = { main: [2, 1] };
    const settings = {
      get: (k: string) => ({ composite: k === 'layout' ? stored : null }),
      set: async (k: string, value: unknown) => {
        expect(k).toBe('layout');
        stored = value;
      }
    };
    const store = new SettingsLayoutStore(Promise.resolve(settings));
    expect(await store.load()).toEqual({ main: [2, 1] });
    await store.save(restoreLayout({ side: [1, 1] }));
    expect((stored as ILayoutState).side).toEqual([0.5, 0.5]);
  });

  it('keeps nothing without settings', async () => {
    const store = new SettingsLayoutStore(Promise.resolve(null));
    expect(await store.load()).toBeNull();
    await expect(store.save(restoreLayout(null))).resolves.toBeUndefined();
  });
});

describe('keyboard shortcuts', () => {
  it('match their keys and nothing else', () => {
    expect(matchShortcut(key('Enter', { shift: true }))).toBe('run');
    expect(matchShortcut(key('NumpadEnter', { shift: true }))).toBe('run');
    expect(matchShortcut(key('Enter'))).toBeNull();
    expect(matchShortcut(key('Enter', { shift: true, ctrl: true }))).toBeNull();
    expect(matchShortcut(key('KeyE', { shift: true, alt: true }))).toBe(
      'focus-editor'
    );
    // macOS: Alt changes `key` (´), `code` stays.
    expect(matchShortcut(key('KeyE', { shift: true, alt: true }, '´'))).toBe(
      'focus-editor'
    );
    expect(matchShortcut(key('KeyE', { alt: true }))).toBeNull();
    expect(matchShortcut(key('KeyE', { shift: true }))).toBeNull();
    expect(
      matchShortcut(key('KeyW', { shift: true, alt: true, meta: true }))
    ).toBeNull();
  });

  it('are unique, each described, and all listed in the table', () => {
    const combos = SHORTCUTS.map(s => `${s.alt}${s.shift}${s.code}`);
    expect(new Set(combos).size).toBe(SHORTCUTS.length);
    const labels = shortcutLabels(trans);
    const table = shortcutTable(trans);
    const text = table.textContent ?? '';
    for (const shortcut of SHORTCUTS) {
      expect(labels[shortcut.action]).toBeTruthy();
      expect(text).toContain(shortcut.keys);
      expect(text).toContain(labels[shortcut.action]);
      expect(matchShortcut(key(shortcut.code, shortcut))).toBe(shortcut.action);
    }
    expect(table.querySelector('caption')).not.toBeNull();
    expect(table.querySelectorAll('th[scope="col"]')).toHaveLength(2);
  });
});

class MemoryStore implements ILayoutStore {
  constructor(public value: unknown = null) {}
  saved: ILayoutState[] = [];
  async load(): Promise<unknown> {
    return this.value;
  }
  async save(layout: ILayoutState): Promise<void> {
    this.saved.push(layout);
  }
}

describe('the interview panel and the keyboard', () => {
  let panel: InterviewPanel;
  const editorServices = {
    factoryService: new CodeMirrorEditorFactory()
  } as unknown as IEditorServices;
  const server = new FakeServer(() => ({
    status: 200,
    json: { now_ms: Date.now() }
  }));

  function open(
    role: 'interviewer' | 'candidate',
    layoutStore?: ILayoutStore | null
  ): InterviewPanel {
    panel = new InterviewPanel({
      session: makeSession({ id: 'k1' }),
      client: new DevInterviewClient({
        serverSettings: server.settings({
          WebSocket: FakeWebSocket as unknown as typeof WebSocket
        })
      }),
      editorServices,
      user: { name: role, color: '#123456', role },
      trans,
      layoutStore
    });
    Widget.attach(panel, document.body);
    return panel;
  }

  afterEach(() => panel.dispose());

  function view(): EditorView {
    return (panel.editor.editor as CodeMirrorEditor).editor;
  }

  it('hints at Shift+Enter in an empty editor', () => {
    open('candidate', null);
    expect(panel.node.querySelector('.cm-placeholder')?.textContent).toBe(
      'Write your code here — Shift+Enter runs it'
    );
  });

  it('a read-only editor is not editable: no caret, no keystrokes', () => {
    open('candidate', null);
    expect(view().state.facet(EditorView.editable)).toBe(true);
    expect(view().contentDOM.getAttribute('contenteditable')).toBe('true');
    panel.editor.editor.focus();
    panel.room.meta.set('status', 'terminated');
    expect(panel.readOnly).toBe(true);
    expect(panel.editor.editor.getOption('readOnly')).toBe(true);
    expect(view().state.facet(EditorView.editable)).toBe(false);
    expect(view().contentDOM.getAttribute('contenteditable')).toBe('false');
    // The focus moved to the notice that says why.
    expect(document.activeElement).toBe(
      panel.node.querySelector('.jp-DevInterview-notice')
    );
  });

  it('focuses the editor when activated', () => {
    open('interviewer', null);
    (document.activeElement as HTMLElement | null)?.blur();
    MessageLoop.sendMessage(panel, Widget.Msg.ActivateRequest);
    expect(panel.editor.node.contains(document.activeElement)).toBe(true);
  });

  it('runs its shortcuts from the keyboard', () => {
    open('candidate', null);
    expect(panel.runPanel.stdinOpen).toBe(false);
    const stdin = panel.node.querySelector<HTMLTextAreaElement>(
      '.jp-DevInterview-stdin'
    )!;
    expect(stdin.hidden).toBe(true);
    const toggle = panel.node.querySelector<HTMLButtonElement>(
      '.jp-DevInterview-stdinToggle'
    )!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(toggle.getAttribute('aria-controls')).toBe(stdin.id);
    panel.editor.editor.focus();
    const press = (code: string) =>
      view().contentDOM.dispatchEvent(
        new KeyboardEvent('keydown', {
          code,
          key: code,
          altKey: true,
          shiftKey: true,
          bubbles: true,
          cancelable: true
        })
      );
    press('KeyI');
    expect(panel.runPanel.stdinOpen).toBe(true);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(stdin);
    stdin.value = 'a\nb\n';
    press('KeyI');
    expect(stdin.hidden).toBe(true);
    expect(document.activeElement).toBe(toggle);
    expect(toggle.textContent).toBe('Input (2 lines)');
    press('KeyE');
    expect(panel.editor.node.contains(document.activeElement)).toBe(true);
  });

  const frame = async () => {
    await new Promise(resolve => requestAnimationFrame(() => resolve(null)));
    await new Promise(resolve => setTimeout(resolve, 0));
  };

  it('applies a stored layout and saves a dragged one', async () => {
    const store = new MemoryStore({ main: [1, 1], side: 'garbage' });
    open('interviewer', store);
    await frame();
    expect(panel.paneSizes.main).toEqual([0.5, 0.5]);
    expect(panel.paneSizes.side).toEqual(restoreLayout(null).side);
    expect(store.saved).toHaveLength(0);
    // A divider dragged: saved once, shortly after the last move.
    const main = panel.widgets.find(w =>
      w.hasClass('jp-DevInterview-mainArea')
    ) as SplitPanel;
    (main.handleMoved as Signal<SplitPanel, void>).emit();
    (main.handleMoved as Signal<SplitPanel, void>).emit();
    expect(store.saved).toHaveLength(0);
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(store.saved).toHaveLength(1);
    expect(Object.keys(store.saved[0]).sort()).toEqual([
      'main',
      'side',
      'withQuestion',
      'withoutQuestion'
    ]);
  });

  it('keeps nothing without a store', async () => {
    open('interviewer', null);
    await frame();
    expect(panel.paneSizes).toEqual(restoreLayout(null));
  });

  it('gives a candidate a localStorage store by default', async () => {
    window.localStorage.setItem(
      LAYOUT_STORAGE_KEY,
      JSON.stringify({ main: [3, 1] })
    );
    open('candidate');
    await frame();
    expect(panel.paneSizes.main).toEqual([0.75, 0.25]);
  });
});
