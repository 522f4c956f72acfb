/**
 * Dialling a `ws://` / `wss://` address (src/address/ws-url.ts): the `ws`
 * package's client opens TCP (TLS for `wss`), sends the HTTP upgrade, and the
 * open WebSocket is handed over as the byte stream a connection runs on
 * (src/io/ws-stream.ts), BOLT 8 in binary frames as Core Lightning's
 * websocketd and lnsocket carry it.
 *
 * Like a TCP dial: one per-address timeout over the whole establishment
 * (TCP + TLS + upgrade: `Connection timed out`), cancelled by the
 * AbortSignal (`Operation canceled`), failures rejected as DialErrors at
 * stage `Connection establishment` with the socket error's strerror text
 * (`Connection refused`), the TLS error's text (`self-signed certificate`) or
 * the server's refusal (`Unexpected server response: 400`); the WebSocket is
 * terminated and every listener and timer removed before settling.
 *
 * Trust for `wss`: Node's CA store (Mozilla's roots; the system's with
 * `--use-system-ca`, extra ones with NODE_EXTRA_CA_CERTS), plus the `ca`
 * given here — a node that serves a self-signed certificate is trusted by
 * passing that certificate (pinning it). Certificate checks are never turned
 * off. WebSocket dials do not go through the SOCKS5 proxy: with
 * always-use-proxy they are refused rather than leak the connection.
 */
import WebSocket from 'ws';
import type { DialAddress, WebSocketAddress } from '../address/types.js';
import type { ByteStream } from './byte-stream.js';
import { dial, staged } from './dial.js';
import type { DialError, DialOptions } from './dial.js';
import { errorCode, socketErrorReason } from './errno.js';
import { WS_MAX_PAYLOAD } from './ws-listener.js';
import { WebSocketStream } from './ws-stream.js';

export interface WebSocketDialOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra certificate authorities (PEM) trusted for `wss`, e.g. a node's self-signed certificate. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** CLN `--always-use-proxy`: a WebSocket dial would bypass the proxy, so it is refused. */
  alwaysUseProxy?: boolean;
}

/**
 * Any dial-list entry: a WebSocket URL here, everything else by `dial`
 * (TCP, UNIX, SOCKS5). `webSocketCa`: extra CAs trusted for `wss`.
 */
export function dialStream(addr: DialAddress, opts: DialOptions & { webSocketCa?: WebSocketDialOptions['ca'] }): Promise<ByteStream> {
  if (addr.type !== 'websocket') return dial(addr, opts);
  const { timeoutMs, signal, webSocketCa: ca, alwaysUseProxy } = opts;
  return dialWebSocket(addr, {
    timeoutMs,
    ...(signal === undefined ? {} : { signal }),
    ...(ca === undefined ? {} : { ca }),
    ...(alwaysUseProxy === undefined ? {} : { alwaysUseProxy }),
  });
}

export function dialWebSocket(addr: WebSocketAddress, opts: WebSocketDialOptions): Promise<WebSocketStream> {
  if (opts.alwaysUseProxy === true) return Promise.reject(staged('WebSocket addresses are not dialled through the proxy'));
  const { signal } = opts;
  if (signal?.aborted === true) return Promise.reject(staged('Operation canceled', { aborted: true, code: 'ECANCELED' }));

  return new Promise<WebSocketStream>((resolve, reject) => {
    let settled = false;
    const ws = new WebSocket(addr.url, {
      perMessageDeflate: false,
      maxPayload: WS_MAX_PAYLOAD,
      followRedirects: false,
      ...(opts.ca === undefined ? {} : { ca: opts.ca as string | Buffer | (string | Buffer)[] }),
    });
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.off('open', onOpen);
      ws.off('error', onError);
      ws.off('close', onClose);
    };
    const fail = (err: DialError): void => {
      if (settled) return;
      settled = true;
      cleanup();
      ws.on('error', () => undefined); // terminate() while connecting reports an error later: nobody to tell
      ws.terminate();
      reject(err);
    };
    const onOpen = (): void => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve(new WebSocketStream(ws, { address: addr.host.address, port: addr.host.port }));
    };
    const onError = (err: Error): void => {
      const code = errorCode(err);
      fail(staged(socketErrorReason(err), code === undefined ? {} : { code }));
    };
    const onClose = (): void => fail(staged('peer closed connection'));
    const onAbort = (): void => fail(staged('Operation canceled', { aborted: true, code: 'ECANCELED' }));
    const timer = setTimeout(() => fail(staged('Connection timed out', { code: 'ETIMEDOUT' })), opts.timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.once('open', onOpen);
    ws.once('error', onError);
    ws.once('close', onClose);
  });
}
