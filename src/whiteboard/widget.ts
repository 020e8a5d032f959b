import { Widget } from '@lumino/widgets';

import type {
  IWhiteboard,
  IWhiteboardOptions,
  WhiteboardExportFormat
} from '../tokens';
import type { IMountedBoard } from './board';

/**
 * How long a board waits for the room to sync before it shows what it has
 * (offline, the records arrive later and are merged in).
 */
const SYNC_WAIT_MS = 3000;

/**
 * The tldraw whiteboard. tldraw itself is loaded on first use, so JupyterLab
 * does not pay for it until an interview opens.
 */
export class TldrawWhiteboard implements IWhiteboard {
  constructor(options: TldrawWhiteboard.IOptions) {
    this._readOnly = options.readOnly;
    this.widget = new Widget();
    this.widget.addClass('jp-DevInterview-whiteboard');
    const status = document.createElement('div');
    status.className = 'jp-DevInterview-whiteboardStatus';
    status.setAttribute('role', 'status');
    status.textContent = options.trans.__('Loading the whiteboard…');
    const canvas = document.createElement('div');
    canvas.className = 'jp-DevInterview-whiteboardCanvas';
    this.widget.node.append(status, canvas);
    this.ready = this._mount(options, status, canvas);
  }

  readonly widget: Widget;

  /**
   * Resolves once tldraw is mounted (rejects when it could not load).
   */
  readonly ready: Promise<void>;

  get readOnly(): boolean {
    return this._readOnly;
  }
  set readOnly(value: boolean) {
    this._readOnly = value;
    this._board?.setReadOnly(value);
    this.widget.toggleClass('jp-mod-readOnly', value);
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  async exportImage(format: WhiteboardExportFormat): Promise<Blob> {
    await this.ready;
    if (!this._board) {
      throw new Error('The whiteboard is closed.');
    }
    return this._board.exportImage(format);
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._board?.dispose();
    this._board = null;
    this.widget.dispose();
  }

  private async _mount(
    options: TldrawWhiteboard.IOptions,
    status: HTMLElement,
    canvas: HTMLElement
  ): Promise<void> {
    try {
      const [{ mountBoard }] = await Promise.all([
        import('./board'),
        Promise.race([options.synced, delay(SYNC_WAIT_MS)])
      ]);
      if (this._disposed) {
        return;
      }
      this._board = mountBoard(canvas, {
        ...options,
        readOnly: this._readOnly
      });
      status.hidden = true;
      this.widget.node.dataset.ready = 'true';
    } catch (error) {
      status.textContent = options.trans.__(
        'The whiteboard could not be loaded: %1',
        error instanceof Error ? error.message : String(error)
      );
      throw error;
    }
  }

  private _board: IMountedBoard | null = null;
  private _readOnly: boolean;
  private _disposed = false;
}

/**
 * A namespace for `TldrawWhiteboard` statics.
 */
export namespace TldrawWhiteboard {
  /**
   * The options of a tldraw whiteboard.
   */
  export interface IOptions extends IWhiteboardOptions {
    /**
     * The tldraw licence key (empty: none).
     */
    licenseKey: string;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
