import type { IDisposable } from '@lumino/disposable';

import { MAX_PASTE_CHARS, countChars } from './format';

/**
 * The kinds of signal that last from a start to an end.
 */
export type IntervalKind = 'hidden' | 'unfocused';

/**
 * Where the detector's observations go (the sender, or a test).
 */
export interface IIntegritySink {
  /**
   * A paste of `size` characters (at least the threshold) into the editor.
   */
  paste(size: number): void;
  /**
   * The page became hidden or unfocused (`start`), or no longer is (`end`).
   */
  interval(kind: IntervalKind, state: 'start' | 'end'): void;
}

/**
 * Watches the candidate's page for what the notice says is recorded, and
 * nothing else: the size of large pastes (or drops) of text into the code
 * editor, the page being hidden (`visibilitychange`) and the window losing
 * the focus (`blur` / `focus`). It reads no text beyond counting a paste's
 * characters.
 */
export class IntegrityDetector implements IDisposable {
  constructor(options: IntegrityDetector.IOptions) {
    this._sink = options.sink;
    this._editorNode = options.editorNode;
    this._pasteChars = Math.max(1, options.pasteChars);
    this._document = options.document ?? document;
    this._window = options.window ?? window;
    this._isReadOnly = options.isReadOnly ?? (() => false);

    // Capture: CodeMirror handles (and may stop) the paste on its content.
    this._editorNode.addEventListener('paste', this._onPaste, true);
    this._editorNode.addEventListener('drop', this._onDrop, true);
    this._document.addEventListener('visibilitychange', this._onVisibility);
    this._window.addEventListener('blur', this._onBlur);
    this._window.addEventListener('focus', this._onFocus);

    // Say how the page is now: a page reloaded while hidden left its interval
    // open on the server, and this ends it (an end with none open is a no-op).
    this._hidden = this._document.visibilityState === 'hidden';
    this._unfocused = !this._document.hasFocus();
    this._sink.interval('hidden', this._hidden ? 'start' : 'end');
    this._sink.interval('unfocused', this._unfocused ? 'start' : 'end');
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    clearTimeout(this._blurCheck);
    this._editorNode.removeEventListener('paste', this._onPaste, true);
    this._editorNode.removeEventListener('drop', this._onDrop, true);
    this._document.removeEventListener('visibilitychange', this._onVisibility);
    this._window.removeEventListener('blur', this._onBlur);
    this._window.removeEventListener('focus', this._onFocus);
  }

  private _onPaste = (event: Event): void => {
    const data = (event as ClipboardEvent).clipboardData;
    this._inserted(data ? data.getData('text/plain') : '');
  };

  private _onDrop = (event: Event): void => {
    const data = (event as DragEvent).dataTransfer;
    this._inserted(data ? data.getData('text/plain') : '');
  };

  private _inserted(text: string): void {
    if (this._isDisposed || this._isReadOnly()) {
      return; // a read-only editor takes nothing in
    }
    // Cheap before counting: fewer UTF-16 units than the threshold cannot be
    // as many characters.
    if (text.length < this._pasteChars) {
      return;
    }
    const size = countChars(text);
    if (size >= this._pasteChars) {
      this._sink.paste(Math.min(size, MAX_PASTE_CHARS));
    }
  }

  private _onVisibility = (): void => {
    this._setHidden(this._document.visibilityState === 'hidden');
    if (!this._hidden && this._document.hasFocus()) {
      this._setUnfocused(false);
    }
  };

  private _onBlur = (event: Event): void => {
    if (event.target !== this._window) {
      return; // an element's blur seen in passing, not the window's
    }
    // Focus moving into a frame of this page (a run's sandbox) blurs the
    // window too; the document still has the focus then. Asked once the
    // focus has landed.
    clearTimeout(this._blurCheck);
    this._blurCheck = setTimeout(() => {
      if (!this._isDisposed && !this._document.hasFocus()) {
        this._setUnfocused(true);
      }
    }, 0);
  };

  private _onFocus = (event: Event): void => {
    if (event.target !== this._window) {
      return;
    }
    clearTimeout(this._blurCheck);
    this._setUnfocused(false);
  };

  private _setHidden(hidden: boolean): void {
    if (hidden !== this._hidden) {
      this._hidden = hidden;
      this._sink.interval('hidden', hidden ? 'start' : 'end');
    }
  }

  private _setUnfocused(unfocused: boolean): void {
    if (unfocused !== this._unfocused) {
      this._unfocused = unfocused;
      this._sink.interval('unfocused', unfocused ? 'start' : 'end');
    }
  }

  private _sink: IIntegritySink;
  private _editorNode: HTMLElement;
  private _pasteChars: number;
  private _document: Document;
  private _window: Window;
  private _isReadOnly: () => boolean;
  private _hidden: boolean;
  private _unfocused: boolean;
  private _blurCheck: ReturnType<typeof setTimeout> | undefined = undefined;
  private _isDisposed = false;
}

/**
 * A namespace for `IntegrityDetector` statics.
 */
export namespace IntegrityDetector {
  /**
   * The options of a detector.
   */
  export interface IOptions {
    /**
     * Where observations go.
     */
    sink: IIntegritySink;
    /**
     * The code editor's node: pastes and drops into it are counted.
     */
    editorNode: HTMLElement;
    /**
     * Characters from which a paste is reported (the server's `paste_chars`).
     */
    pasteChars: number;
    /**
     * The document (default: this page's).
     */
    document?: Document;
    /**
     * The window (default: this page's).
     */
    window?: Window;
    /**
     * Whether the editor is read-only now (its pastes then insert nothing).
     */
    isReadOnly?: () => boolean;
  }
}
