/**
 * A "More" menu button for a table row: its items are real buttons in the
 * row (so `button[data-action=…]` finds them), shown in a small popup that
 * follows the WAI-ARIA menu button pattern (Enter, Space and the arrow keys
 * open it; arrows, Home and End move; Escape and Tab close it).
 */
export class RowMenu {
  constructor(options: RowMenu.IOptions) {
    this.button = document.createElement('button');
    this.button.type = 'button';
    this.button.className =
      'jp-DevInterview-rowButton jp-DevInterview-moreButton';
    this.button.setAttribute('aria-haspopup', 'menu');
    this.button.setAttribute('aria-expanded', 'false');
    this.button.setAttribute('aria-label', options.label);
    this.button.title = options.label;
    this.button.dataset.menu = 'more';
    const text = document.createElement('span');
    text.className = 'jp-DevInterview-rowButtonLabel';
    text.textContent = options.text;
    const caret = document.createElement('span');
    caret.className = 'jp-DevInterview-moreCaret';
    caret.setAttribute('aria-hidden', 'true');
    caret.textContent = '▾';
    this.button.append(text, caret);

    this.menu = document.createElement('div');
    this.menu.className = 'jp-DevInterview-moreMenu';
    this.menu.setAttribute('role', 'menu');
    this.menu.id = `jp-DevInterview-moreMenu-${++RowMenu._count}`;
    this.menu.setAttribute('aria-label', options.label);
    this.menu.hidden = true;
    this.button.setAttribute('aria-controls', this.menu.id);

    this.button.addEventListener('click', () => {
      if (this.isOpen) {
        this.close();
      } else {
        this.open('first');
      }
    });
    this.button.addEventListener('keydown', event => {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.open(event.key === 'ArrowDown' ? 'first' : 'last');
      }
    });
    this.menu.addEventListener('keydown', event => this._onMenuKey(event));
    this.menu.addEventListener('focusout', event => {
      const next = event.relatedTarget as Node | null;
      if (
        next &&
        !this.menu.contains(next) &&
        next !== this.button &&
        this.isOpen
      ) {
        this.close();
      }
    });
  }

  /**
   * The "More" button that opens the menu.
   */
  readonly button: HTMLButtonElement;

  /**
   * The popup holding the items.
   */
  readonly menu: HTMLDivElement;

  /**
   * Whether the popup is showing.
   */
  get isOpen(): boolean {
    return !this.menu.hidden;
  }

  /**
   * Add an item (a button with a visible label) to the menu.
   */
  addItem(item: HTMLButtonElement): void {
    item.setAttribute('role', 'menuitem');
    item.tabIndex = -1;
    item.addEventListener('click', () => this.close(true));
    this.menu.appendChild(item);
  }

  /**
   * Add a separator between groups of items.
   */
  addSeparator(): void {
    const line = document.createElement('div');
    line.className = 'jp-DevInterview-moreSeparator';
    line.setAttribute('role', 'separator');
    this.menu.appendChild(line);
  }

  /**
   * Show the popup and focus its first (or last) enabled item.
   */
  open(focus: 'first' | 'last' | 'none' = 'first'): void {
    RowMenu._current?.close();
    RowMenu._current = this;
    this.menu.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    // Open upwards when the popup would go past the bottom of the scrolling
    // dashboard (the last rows).
    this.menu.classList.remove('jp-mod-up');
    const scroller = this.button.closest('.jp-DevInterview-dashboard');
    if (scroller) {
      const room = scroller.getBoundingClientRect().bottom;
      if (this.menu.getBoundingClientRect().bottom > room) {
        this.menu.classList.add('jp-mod-up');
      }
    }
    document.addEventListener('pointerdown', this._onOutside, true);
    const items = this._items();
    const target = focus === 'last' ? items[items.length - 1] : items[0];
    if (focus !== 'none') {
      target?.focus();
    }
  }

  /**
   * Hide the popup; give the focus back to the More button when asked.
   */
  close(refocus = false): void {
    if (RowMenu._current === this) {
      RowMenu._current = null;
    }
    document.removeEventListener('pointerdown', this._onOutside, true);
    if (this.menu.hidden) {
      return;
    }
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (refocus) {
      this.button.focus();
    }
  }

  /**
   * Close whichever row menu is open (e.g. before its rows are rebuilt).
   */
  static closeAll(): void {
    RowMenu._current?.close();
  }

  private _items(): HTMLButtonElement[] {
    return Array.from(
      this.menu.querySelectorAll<HTMLButtonElement>('button[role="menuitem"]')
    ).filter(item => !item.disabled && !item.hidden);
  }

  private _onMenuKey(event: KeyboardEvent): void {
    const items = this._items();
    const index = items.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => {
      event.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        move(index + 1);
        break;
      case 'ArrowUp':
        move(index < 0 ? items.length - 1 : index - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(items.length - 1);
        break;
      case 'Escape':
        event.preventDefault();
        event.stopPropagation();
        this.close(true);
        break;
      case 'Tab':
        this.close();
        break;
    }
  }

  private _onOutside = (event: PointerEvent): void => {
    const target = event.target as Node | null;
    if (
      target &&
      (this.menu.contains(target) || this.button.contains(target))
    ) {
      return;
    }
    this.close();
  };

  private static _count = 0;
  private static _current: RowMenu | null = null;
}

/**
 * A namespace for `RowMenu` statics.
 */
export namespace RowMenu {
  /**
   * The options of a row menu.
   */
  export interface IOptions {
    /**
     * The visible text of the button (e.g. "More").
     */
    text: string;
    /**
     * The accessible name of the button and the menu (e.g. "More actions").
     */
    label: string;
  }
}
