/**
 * A FAKE websocket for the room tests (no server can run in jest's page): it
 * records the URL it was opened with; a test opens it, sends it frames and
 * closes it with a code, as the server would.
 */
export class FakeWebSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static instances: FakeWebSocket[] = [];

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  readyState = FakeWebSocket.CONNECTING;
  binaryType = 'blob';
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: ArrayBuffer }) => void) | null = null;
  onclose: ((event: { code: number; reason: string }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  sent: unknown[] = [];

  send(data: unknown): void {
    this.sent.push(data);
  }

  close(): void {
    this.readyState = FakeWebSocket.CLOSED;
  }

  /**
   * The server accepts and sends sync step 2 of an empty document.
   */
  openAndSync(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.onopen?.({});
    // messageSync (0), step 2 (1), the update of an empty doc ([0, 0]).
    this.onmessage?.({ data: new Uint8Array([0, 1, 2, 0, 0]).buffer });
  }

  /**
   * The server closes the connection with `code`.
   */
  serverClose(code: number): void {
    this.readyState = FakeWebSocket.CLOSED;
    this.onclose?.({ code, reason: '' });
  }
}
