import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import type { ServerConnection } from '@jupyterlab/services';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import type { Awareness } from 'y-protocols/awareness';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';

import type { ConnectionState, RoomClosure } from '../model/connection';
import {
  connectionState,
  reconnectsAfter,
  roomClosure
} from '../model/connection';
import { InterviewDocument } from '../model/document';
import { followServerStamp } from '../profile/stamp';

/**
 * The path of the room websocket endpoint below the server's base URL; the
 * room name (the session id) is the last segment.
 */
export const ROOMS_PATH = 'devinterview/api/rooms';

/**
 * The y-websocket message type asking for all awareness states.
 */
const QUERY_AWARENESS = 3;

/**
 * Whether the room websocket URL carries the Jupyter server token, decided
 * as `@jupyterlab/services` decides for its own websockets
 * (`ServerConnection.makeSettings`, `appendToken`): as the page config's
 * `appendToken` says when it is set, else only when the websocket's host name
 * differs from the page's (on the page's own host the login cookie
 * authenticates, and a token in a URL ends up in proxies' access logs).
 * Never without a token or when the settings say `appendToken: false`.
 * (`@jupyterlab/services` also appends it outside a browser and under Jest;
 * that exception is not copied.)
 */
export function appendsToken(
  settings: Pick<ServerConnection.ISettings, 'token' | 'appendToken' | 'wsUrl'>,
  pageUrl: string = window.location.href
): boolean {
  if (!settings.token || !settings.appendToken) {
    return false;
  }
  const configured = PageConfig.getOption('appendToken').toLowerCase();
  if (configured !== '') {
    return configured === 'true';
  }
  return URLExt.getHostName(pageUrl) !== URLExt.getHostName(settings.wsUrl);
}

/**
 * What a participant publishes about itself in the room's awareness.
 */
export interface IRoomUser {
  /**
   * The display name.
   */
  name: string;
  /**
   * A CSS colour in hex (`#rrggbb`): remote cursors derive a light variant.
   */
  color: string;
  /**
   * `interviewer` or `candidate`.
   */
  role: string;
}

/**
 * One live connection to an interview room: the room's Y.Doc (held by an
 * `InterviewDocument`, a `YFile`, so JupyterLab's CodeMirror binding edits
 * its `source`), its awareness and the websocket provider.
 *
 * Losing the connection keeps local edits in the document; the provider
 * reconnects with backoff and the sync exchange merges them. The close codes
 * of `CLOSE_CODES` (model/connection.ts) stop reconnecting for good.
 */
export class RoomConnection implements IDisposable {
  constructor(options: RoomConnection.IOptions) {
    this.sessionId = options.sessionId;
    this.sharedModel = new InterviewDocument();
    const doc = this.sharedModel.ydoc;
    this.meta = this.sharedModel.meta;
    this.timer = this.sharedModel.timer;

    const settings = options.serverSettings;
    const params: Record<string, string> = { ...(options.params ?? {}) };
    if (appendsToken(settings)) {
      params.token = settings.token;
    }
    this.awareness.setLocalStateField('user', options.user);
    // The notes room is the session's room path plus `/notes` (rooms/kind.py).
    const roomName =
      options.kind === 'notes'
        ? `${options.sessionId}/notes`
        : options.sessionId;
    this._provider = new WebsocketProvider(
      URLExt.join(settings.wsUrl, ROOMS_PATH),
      roomName,
      doc,
      {
        awareness: this.awareness,
        params,
        disableBc: true,
        connect: options.connect ?? true,
        WebSocketPolyfill: settings.WebSocket,
        shouldReconnect: event => reconnectsAfter(event.code)
      }
    );
    // The page shows us under the name and colour the server shows others.
    followServerStamp(this._provider, this.awareness);
    this._provider.on('status', this._onStatus);
    this._provider.on('sync', this._onSync);
    this._provider.on('connection-close', this._onClose);
    doc.on('update', this._onUpdate);
    this.awareness.on('change', this._onAwarenessChange);
  }

  /**
   * The session id (the room name).
   */
  readonly sessionId: string;

  /**
   * The interview document (a `YFile`) whose `ydoc` is the room document.
   */
  readonly sharedModel: InterviewDocument;

  /**
   * The room's `meta` map (server-owned: language, status).
   */
  readonly meta: Y.Map<unknown>;

  /**
   * The room's `timer` map (server-owned).
   */
  readonly timer: Y.Map<unknown>;

  /**
   * The room's awareness (participants, cursors).
   */
  get awareness(): Awareness {
    return this.sharedModel.awareness;
  }

  /**
   * The room document.
   */
  get doc(): Y.Doc {
    return this.sharedModel.ydoc;
  }

  /**
   * The connection state shown to the user.
   */
  get state(): ConnectionState {
    return connectionState({
      status: this._status,
      synced: this._provider.synced,
      everSynced: this._everSynced,
      closure: this._closure
    });
  }

  /**
   * Why the server closed the room for good (null while it has not).
   */
  get closure(): RoomClosure | null {
    return this._closure;
  }

  /**
   * Whether local edits were made while the connection was down and have
   * not been synced since.
   */
  get hasUnsyncedEdits(): boolean {
    return this._unsynced;
  }

  /**
   * Whether the room was synced with the server at least once.
   */
  get everSynced(): boolean {
    return this._everSynced;
  }

  /**
   * Emitted when `state` or `hasUnsyncedEdits` may have changed.
   */
  get stateChanged(): ISignal<this, void> {
    return this._stateChanged;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Resolve once the room is synced (at once if it is).
   */
  whenSynced(): Promise<void> {
    if (this._provider.synced) {
      return Promise.resolve();
    }
    return new Promise(resolve => {
      const onSync = (synced: boolean) => {
        if (synced) {
          this._provider.off('sync', onSync);
          resolve();
        }
      };
      this._provider.on('sync', onSync);
    });
  }

  /**
   * Close the websocket without disposing (edits stay local until `connect`).
   */
  disconnect(): void {
    this._provider.disconnect();
  }

  /**
   * Open the websocket again.
   */
  connect(): void {
    this._provider.connect();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.doc.off('update', this._onUpdate);
    this.awareness.off('change', this._onAwarenessChange);
    this._provider.off('status', this._onStatus);
    this._provider.off('sync', this._onSync);
    this._provider.off('connection-close', this._onClose);
    this._provider.destroy();
    this.sharedModel.dispose();
    Signal.clearData(this);
  }

  private _onStatus = (event: {
    status: 'connected' | 'disconnected' | 'connecting';
  }): void => {
    const awareness = this.awareness;
    if (event.status === 'disconnected') {
      // The provider dropped the others' states but y-protocols keeps their
      // clocks: the same states sent again on the next connection would be
      // ignored (not newer), and everyone would look offline until their next
      // renewal, 15 s later. Forget the clocks with the states.
      for (const clientId of Array.from(awareness.meta.keys())) {
        if (
          clientId !== awareness.clientID &&
          !awareness.states.has(clientId)
        ) {
          awareness.meta.delete(clientId);
        }
      }
    } else if (event.status === 'connected' && this._status !== 'connected') {
      // The others saw our state removed when the last connection closed, with
      // its clock: announce it again with a newer clock, or they ignore it.
      const local = awareness.getLocalState();
      if (local) {
        awareness.setLocalState({ ...local });
      }
    }
    this._status = event.status;
    this._stateChanged.emit();
  };

  private _onSync = (synced: boolean): void => {
    if (synced) {
      this._everSynced = true;
      this._unsynced = false;
      // Ask for the states of everyone already here (message type 3).
      const ws = this._provider.ws;
      if (ws && ws.readyState === WebSocket.OPEN) {
        ws.send(new Uint8Array([QUERY_AWARENESS]));
      }
    }
    this._stateChanged.emit();
  };

  /**
   * When someone new appears, announce ourselves again so that they see us
   * at once (not only at the next awareness renewal, 15 s later).
   */
  private _onAwarenessChange = (
    changes: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown
  ): void => {
    if (origin === 'local' || changes.added.length === 0) {
      return;
    }
    const local = this.awareness.getLocalState();
    if (local) {
      this.awareness.setLocalState({ ...local });
    }
  };

  private _onClose = (event: CloseEvent | null): void => {
    const closure = roomClosure(event?.code);
    if (closure && !this._closure) {
      // Session deleted, invite expired, document full or an update refused:
      // reconnecting cannot help.
      this._closure = closure;
      this._provider.disconnect();
      this._stateChanged.emit();
    }
  };

  private _onUpdate = (_update: Uint8Array, origin: unknown): void => {
    if (origin !== this._provider && !this._provider.wsconnected) {
      if (!this._unsynced) {
        this._unsynced = true;
        this._stateChanged.emit();
      }
    }
  };

  private _provider: WebsocketProvider;
  private _status: 'connected' | 'disconnected' | 'connecting' = 'connecting';
  private _everSynced = false;
  private _closure: RoomClosure | null = null;
  private _unsynced = false;
  private _isDisposed = false;
  private _stateChanged = new Signal<this, void>(this);
}

/**
 * A namespace for `RoomConnection` statics.
 */
export namespace RoomConnection {
  /**
   * The options of a room connection.
   */
  export interface IOptions {
    /**
     * The session id.
     */
    sessionId: string;
    /**
     * Jupyter's server settings (websocket URL, token).
     */
    serverSettings: ServerConnection.ISettings;
    /**
     * The local participant.
     */
    user: IRoomUser;
    /**
     * Connect at once (default true).
     */
    connect?: boolean;
    /**
     * Extra query parameters of the websocket URL (e.g. `candidate_token`
     * for a candidate page on another origin, where the cookie cannot go).
     */
    params?: Record<string, string>;
    /**
     * Which room of the session: the interview (default) or the interviewers'
     * private notes, a room of its own that no candidate may join.
     */
    kind?: 'interview' | 'notes';
  }
}
