/**
 * The reference Yjs client (yjs + y-websocket over Node's `ws`), as the room tests use it.
 */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

export interface IClient {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /**
   * Close codes of every time the connection closed.
   */
  closes: number[];
}

/**
 * A document connected to the room of a session at `roomsUrl` (`ws(s)://…/rooms`).
 */
export function connect(
  roomsUrl: string,
  sessionId: string,
  params: Record<string, string> = {}
): IClient {
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(roomsUrl, sessionId, doc, {
    WebSocketPolyfill: WebSocket as any,
    disableBc: true,
    params
  });
  const client: IClient = { doc, provider, closes: [] };
  provider.on('connection-close', (event: any) => {
    client.closes.push(event?.code ?? 0);
  });
  return client;
}

/**
 * Resolve once the client is synced with the room.
 */
export function synced(client: IClient): Promise<void> {
  if (client.provider.synced) {
    return Promise.resolve();
  }
  return new Promise(resolve => {
    const onSync = (isSynced: boolean) => {
      if (isSynced) {
        client.provider.off('sync', onSync);
        resolve();
      }
    };
    client.provider.on('sync', onSync);
  });
}
