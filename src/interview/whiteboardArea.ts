import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';

import type { IWhiteboard, WhiteboardExportFormat } from '../tokens';

/**
 * The whiteboard part of the interview layout: a title bar with the export
 * buttons above the board of whichever engine provides `IWhiteboardFactory`.
 */
export class WhiteboardArea extends Panel {
  constructor(options: WhiteboardArea.IOptions) {
    super();
    this._trans = options.trans;
    this._fileStem = options.fileStem;
    this.board = options.board;
    this.addClass('jp-DevInterview-slot');
    this.addClass('jp-DevInterview-whiteboardArea');
    this.node.dataset.slot = 'whiteboard';
    // A named region: a landmark screen readers can jump to.
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Whiteboard'));

    const bar = new Widget();
    bar.addClass('jp-DevInterview-slotBar');
    const title = document.createElement('div');
    title.className = 'jp-DevInterview-slotTitle';
    title.textContent = this._trans.__('Whiteboard');
    bar.node.appendChild(title);
    if (this.board) {
      for (const format of ['svg', 'png'] as const) {
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'jp-DevInterview-exportButton jp-mod-styled';
        button.dataset.format = format;
        button.textContent = this._trans.__('Export %1', format.toUpperCase());
        button.title = this._trans.__(
          'Download the whiteboard as %1',
          format.toUpperCase()
        );
        button.addEventListener('click', () => void this.download(format));
        bar.node.appendChild(button);
      }
    }
    this._message = document.createElement('span');
    this._message.className = 'jp-DevInterview-slotMessage';
    this._message.setAttribute('role', 'status');
    bar.node.appendChild(this._message);
    this.addWidget(bar);

    if (this.board) {
      this.addWidget(this.board.widget);
    } else {
      const none = new Widget();
      none.addClass('jp-DevInterview-slotEmpty');
      none.node.textContent = this._trans.__('No whiteboard is installed.');
      this.addWidget(none);
    }
  }

  /**
   * The board (null when no engine provides one).
   */
  readonly board: IWhiteboard | null;

  /**
   * Export the board and hand the file to the browser as a download.
   */
  async download(format: WhiteboardExportFormat): Promise<void> {
    if (!this.board) {
      return;
    }
    try {
      const blob = await this.board.exportImage(format);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = `${this._fileStem}-whiteboard.${format}`;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      this._message.textContent = '';
    } catch (error) {
      this._message.textContent =
        error instanceof Error ? error.message : String(error);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.board?.dispose();
    super.dispose();
  }

  private _trans: TranslationBundle;
  private _fileStem: string;
  private _message: HTMLSpanElement;
}

/**
 * A namespace for `WhiteboardArea` statics.
 */
export namespace WhiteboardArea {
  /**
   * The options of the whiteboard area.
   */
  export interface IOptions {
    /**
     * The board, or null when no whiteboard engine is installed.
     */
    board: IWhiteboard | null;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
    /**
     * The start of exported file names (the session's title, made safe).
     */
    fileStem: string;
  }
}

/**
 * A file name stem from a session title: letters, digits, dashes.
 */
export function fileStemOf(title: string): string {
  const stem = title
    .normalize('NFKD')
    .replace(/[^\w-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return stem || 'interview';
}
