/**
 * The interview layout a person chose (pane sizes, the stdin box), kept per
 * user: JupyterLab keeps it in the user's settings, the candidate page in the
 * browser's localStorage. What comes back from either is treated as untrusted
 * input (another version, a hand edit) and cleaned before use.
 */

/**
 * Relative sizes of the interview's split panels.
 */
export interface ILayoutState {
  /**
   * Question column, editor, whiteboard — when the room has a question.
   */
  withQuestion: number[];
  /**
   * Question column, editor, whiteboard — without a question.
   */
  withoutQuestion: number[];
  /**
   * Work area above the run area.
   */
  main: number[];
  /**
   * Prompt above the tests (the question column).
   */
  side: number[];
}

/**
 * The sizes at 1280×800 and up: a whiteboard wide enough for its tools, and a
 * run area that shows several runs (a fifth was about three).
 */
export const DEFAULT_LAYOUT: Readonly<ILayoutState> = Object.freeze({
  withQuestion: [2, 3, 2.4],
  withoutQuestion: [1, 3, 2.4],
  main: [2.2, 1],
  side: [3, 2]
});

/**
 * How many panes each split panel has.
 */
const PANES: Record<keyof ILayoutState, number> = {
  withQuestion: 3,
  withoutQuestion: 3,
  main: 2,
  side: 2
};

/**
 * Sizes stored as fractions; no pane is made smaller than this by a stored
 * value (a pane dragged to nothing would be lost from view for good).
 */
const MIN_FRACTION = 0.04;

/**
 * Relative sizes that are safe to apply: the right number of finite,
 * non-negative numbers with a positive sum, scaled to sum 1, each at least
 * MIN_FRACTION. Null when the value is not usable.
 */
export function cleanSizes(value: unknown, count: number): number[] | null {
  if (!Array.isArray(value) || value.length !== count) {
    return null;
  }
  if (
    !value.every(v => typeof v === 'number' && Number.isFinite(v) && v >= 0)
  ) {
    return null;
  }
  const sizes = value as number[];
  const total = sizes.reduce((sum, v) => sum + v, 0);
  if (!(total > 0)) {
    return null;
  }
  const floored = sizes.map(v => Math.max(v / total, MIN_FRACTION));
  const sum = floored.reduce((s, v) => s + v, 0);
  return floored.map(v => Math.round((v / sum) * 10000) / 10000);
}

/**
 * A complete layout from a stored value: each known, valid part is taken,
 * anything else falls back to the defaults (all as fractions).
 */
export function restoreLayout(stored: unknown): ILayoutState {
  const layout = {} as ILayoutState;
  for (const key of Object.keys(PANES) as (keyof ILayoutState)[]) {
    layout[key] = cleanSizes([...DEFAULT_LAYOUT[key]], PANES[key])!;
  }
  if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) {
    return layout;
  }
  const record = stored as Record<string, unknown>;
  for (const key of Object.keys(PANES) as (keyof ILayoutState)[]) {
    const sizes = cleanSizes(record[key], PANES[key]);
    if (sizes) {
      layout[key] = sizes;
    }
  }
  return layout;
}

/**
 * The stored form of a layout (cleaned, so a store never keeps garbage).
 */
export function serializeLayout(layout: ILayoutState): ILayoutState {
  return restoreLayout(layout);
}

/**
 * Where a layout is kept.
 */
export interface ILayoutStore {
  /**
   * The stored value (anything: it is cleaned by `restoreLayout`), or null.
   */
  load(): Promise<unknown>;
  /**
   * Keep a layout.
   */
  save(layout: ILayoutState): Promise<void>;
}

/**
 * The localStorage key of the candidate page's layout.
 */
export const LAYOUT_STORAGE_KEY = 'devinterview-jupyter:interview-layout';

/**
 * A store in the browser's localStorage (the candidate page: no JupyterLab
 * state database there). Storage may be off or full: then nothing is kept.
 */
export class LocalStorageLayoutStore implements ILayoutStore {
  constructor(
    private readonly _key: string = LAYOUT_STORAGE_KEY,
    private readonly _storage: () => Storage | null = () => {
      try {
        return window.localStorage;
      } catch {
        return null;
      }
    }
  ) {}

  async load(): Promise<unknown> {
    try {
      const text = this._storage()?.getItem(this._key) ?? null;
      // A hand-edited entry is bounded before it is parsed.
      return text && text.length <= 4096 ? JSON.parse(text) : null;
    } catch {
      return null;
    }
  }

  async save(layout: ILayoutState): Promise<void> {
    try {
      this._storage()?.setItem(
        this._key,
        JSON.stringify(serializeLayout(layout))
      );
    } catch {
      // Storage off or full: the layout is simply not remembered.
    }
  }
}

/**
 * The part of JupyterLab's loaded settings (`ISettingRegistry.ISettings`) a
 * layout store needs.
 */
export interface ISettingsLike {
  get(key: string): { composite: unknown };
  set(key: string, value: any): Promise<void>;
}

/**
 * A store in JupyterLab's user settings (`layout` of the interview plugin):
 * per user, kept by the server, the same in every workspace.
 */
export class SettingsLayoutStore implements ILayoutStore {
  /**
   * @param settings - the loaded settings (null: none, nothing is kept).
   */
  constructor(
    private readonly _settings: Promise<ISettingsLike | null>,
    private readonly _key: string = 'layout'
  ) {}

  async load(): Promise<unknown> {
    try {
      return (await this._settings)?.get(this._key).composite ?? null;
    } catch {
      return null;
    }
  }

  async save(layout: ILayoutState): Promise<void> {
    const settings = await this._settings;
    await settings?.set(this._key, { ...serializeLayout(layout) });
  }
}
