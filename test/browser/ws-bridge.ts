/**
 * A test-side WebSocket → TCP bridge (loopback only): each WebSocket client
 * gets its own TCP connection to `target`, binary frames carry the byte
 * stream both ways, unchanged. Lets the browser entry be tested against a
 * plain TCP listener (library or lnconnectd) before and apart from the
 * node's own WebSocket listener; `split` cuts every chunk towards the
 * client into 1-byte frames (acts and transport frames spanning frames).
 */
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';

export interface Bridge {
  url: string;
  /** TCP connections the bridge opened so far. */
  readonly opened: number;
  close(): Promise<void>;
}

export async function startBridge(target: { host: string; port: number }, opts: { split?: boolean } = {}): Promise<Bridge> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const sockets = new Set<Socket>();
  let opened = 0;
  wss.on('connection', (ws) => {
    const tcp = connect(target.port, target.host);
    opened++;
    sockets.add(tcp);
    tcp.on('data', (chunk: Buffer) => {
      if (opts.split === true) for (const b of chunk) ws.send(Uint8Array.of(b));
      else ws.send(chunk);
    });
    tcp.on('close', () => {
      sockets.delete(tcp);
      ws.close();
    });
    tcp.on('error', () => ws.terminate());
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) tcp.write(data);
      else tcp.destroy();
    });
    ws.on('close', () => tcp.end());
    ws.on('error', () => tcp.destroy());
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    get opened() {
      return opened;
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}
