/**
 * Opening one WebSocket for a dial-list entry, under the per-address
 * establishment deadline (`Connection timed out`, spec §5): the browser's
 * `Connection establishment` stage. Exactly one of `opened` / `failed` is
 * called, unless the caller abandons the dial first (then neither, and the
 * socket is closed). Owner: the browser peer shell (./browser-peer.ts).
 */
import type { WebSocketFactory, WebSocketLike } from './ws-connection.js';

export const REASON_REFUSED = 'Connection refused';
export const REASON_TIMED_OUT = 'Connection timed out';

const ignore = (): void => {};

export interface WsDialEvents {
  /** The upgrade succeeded: the socket is the caller's now. */
  opened(ws: WebSocketLike): void;
  failed(reason: string): void;
}

/** Starts the dial; the returned function abandons it (closes the socket, reports nothing). */
export function dialWebSocket(factory: WebSocketFactory, url: string, timeoutMs: number, events: WsDialEvents): () => void {
  let ws: WebSocketLike;
  try {
    ws = factory(url);
    ws.binaryType = 'arraybuffer';
  } catch (err) {
    // The browser refused to open it at all (a bad URL, ws:// from an https page): reported after the caller's step.
    // Its text without a final period: the 401 fragment adds `. `.
    const reason = (err instanceof Error ? err.message : String(err)).replace(/\.+$/, '');
    let abandoned = false;
    queueMicrotask(() => {
      if (!abandoned) events.failed(reason);
    });
    return () => {
      abandoned = true;
    };
  }
  let done = false;
  const finish = (): void => {
    done = true;
    clearTimeout(timer);
    ws.onopen = null;
    ws.onclose = null;
    // Not null: a WebSocket closed while connecting may still report an error (the `ws` package throws one nobody hears).
    ws.onerror = ignore;
  };
  const fail = (reason: string): void => {
    if (done) return;
    finish();
    close(ws);
    events.failed(reason);
  };
  // A browser tells a page nothing about why a WebSocket failed: refused is the honest summary.
  ws.onerror = () => fail(REASON_REFUSED);
  ws.onclose = () => fail(REASON_REFUSED);
  ws.onopen = () => {
    if (done) return;
    finish();
    events.opened(ws);
  };
  const timer = setTimeout(() => fail(REASON_TIMED_OUT), timeoutMs);
  return () => {
    if (done) return;
    finish();
    close(ws);
  };
}

function close(ws: WebSocketLike): void {
  try {
    ws.close();
  } catch {
    // Already closing or closed.
  }
}
