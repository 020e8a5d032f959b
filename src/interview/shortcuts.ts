import type { Toolbar } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * What a keyboard shortcut of the interview does.
 */
export type ShortcutAction =
  | 'run'
  | 'stop'
  | 'focus-editor'
  | 'focus-whiteboard'
  | 'focus-runs'
  | 'toggle-stdin'
  | 'show-shortcuts';

/**
 * One shortcut: the key that triggers it (as `KeyboardEvent.code`, so Alt on
 * macOS, which changes `key`, still matches) and its modifiers.
 */
export interface IShortcut {
  action: ShortcutAction;
  code: string;
  shift: boolean;
  alt: boolean;
  /**
   * The keys as people read them.
   */
  keys: string;
}

/**
 * The interview's shortcuts. Alt+Shift+letter: free in JupyterLab, in
 * CodeMirror and in the browsers we support; Shift+Enter runs like a
 * notebook cell.
 */
export const SHORTCUTS: readonly IShortcut[] = Object.freeze([
  {
    action: 'run',
    code: 'Enter',
    shift: true,
    alt: false,
    keys: 'Shift+Enter'
  },
  { action: 'stop', code: 'KeyS', shift: true, alt: true, keys: 'Alt+Shift+S' },
  {
    action: 'focus-editor',
    code: 'KeyE',
    shift: true,
    alt: true,
    keys: 'Alt+Shift+E'
  },
  {
    action: 'focus-whiteboard',
    code: 'KeyW',
    shift: true,
    alt: true,
    keys: 'Alt+Shift+W'
  },
  {
    action: 'focus-runs',
    code: 'KeyR',
    shift: true,
    alt: true,
    keys: 'Alt+Shift+R'
  },
  {
    action: 'toggle-stdin',
    code: 'KeyI',
    shift: true,
    alt: true,
    keys: 'Alt+Shift+I'
  },
  {
    action: 'show-shortcuts',
    code: 'KeyK',
    shift: true,
    alt: true,
    keys: 'Alt+Shift+K'
  }
]);

/**
 * The shortcut a key press means, or null. Ctrl and Meta never match: those
 * combinations belong to the browser and to JupyterLab.
 */
export function matchShortcut(event: {
  code: string;
  key?: string;
  shiftKey: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
}): ShortcutAction | null {
  if (event.ctrlKey || event.metaKey) {
    return null;
  }
  for (const shortcut of SHORTCUTS) {
    const code =
      shortcut.code === 'Enter'
        ? event.code === 'Enter' ||
          event.code === 'NumpadEnter' ||
          event.key === 'Enter'
        : event.code === shortcut.code;
    if (
      code &&
      event.shiftKey === shortcut.shift &&
      event.altKey === shortcut.alt
    ) {
      return shortcut.action;
    }
  }
  return null;
}

/**
 * What each shortcut does, in words (the dialog and the docs say the same).
 */
export function shortcutLabels(
  trans: TranslationBundle
): Record<ShortcutAction, string> {
  return {
    run: trans.__('Run the code'),
    stop: trans.__('Stop the running program'),
    'focus-editor': trans.__('Go to the editor'),
    'focus-whiteboard': trans.__('Go to the whiteboard'),
    'focus-runs': trans.__('Go to the run area'),
    'toggle-stdin': trans.__('Show or hide the standard input box'),
    'show-shortcuts': trans.__('Show the keyboard shortcuts')
  };
}

/**
 * The shortcut list as a table (keys, what they do), plus the keys that are
 * not ours but matter in the interview (Tab, Escape in the editor).
 */
export function shortcutTable(trans: TranslationBundle): HTMLElement {
  const labels = shortcutLabels(trans);
  const rows: [string, string][] = SHORTCUTS.map(s => [
    s.keys,
    labels[s.action]
  ]);
  rows.push(
    [
      'Tab / Shift+Tab',
      trans.__('Move between the controls (the editor keeps Tab for indenting)')
    ],
    [
      'Escape, Tab',
      trans.__(
        'Leave the editor: Escape, then Tab moves on to the next control'
      )
    ]
  );
  const table = document.createElement('table');
  table.className = 'jp-DevInterview-shortcuts';
  const caption = table.createCaption();
  caption.textContent = trans.__('Keyboard shortcuts of the interview');
  const head = table.createTHead().insertRow();
  for (const title of [trans.__('Keys'), trans.__('Action')]) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.append(th);
  }
  const body = table.createTBody();
  for (const [keys, label] of rows) {
    const row = body.insertRow();
    const key = document.createElement('th');
    key.scope = 'row';
    const kbd = document.createElement('kbd');
    kbd.textContent = keys;
    key.append(kbd);
    row.append(key);
    row.insertCell().textContent = label;
  }
  return table;
}

/**
 * The FAST toolbar element JupyterLab's `Toolbar` is made of (`jp-toolbar`):
 * its roving tabindex makes the whole toolbar one Tab stop.
 */
interface IRovingToolbar {
  setFocusableElements?: () => void;
  focusinHandler?: (event: FocusEvent) => boolean;
  focusableElements?: HTMLElement[];
}

/**
 * Make every control of a toolbar its own Tab stop, in DOM (= visual) order.
 *
 * JupyterLab's toolbar is an ARIA toolbar: one Tab stop, arrow keys inside.
 * People who do not know that pattern never find Start, Reset or Terminate.
 * The arrow keys keep working; the element just stops setting `tabindex=-1`
 * on the controls and stops pulling the focus back to its "active" control
 * when the focus enters it (which would break Shift+Tab).
 */
export function makeToolbarTabbable(toolbar: Toolbar): void {
  const node = toolbar.node as HTMLElement & IRovingToolbar;
  node.setFocusableElements = () => undefined;
  node.focusinHandler = () => true;
  node.dataset.tabbable = 'true';
  for (const element of Array.from(
    node.querySelectorAll<HTMLElement>('[tabindex="-1"]')
  )) {
    if ((node.focusableElements ?? []).includes(element)) {
      element.tabIndex = 0;
    }
  }
}
