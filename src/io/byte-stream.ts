/**
 * The byte stream one connection runs on: the part of `net.Socket` that the
 * socket shell (SocketChannel, Connection) and inbound admission use. A TCP or
 * UNIX `net.Socket` is one as it is (no wrapper on the TCP hot path); a
 * WebSocket is adapted to it by src/io/ws-stream.ts, so WebSocket peers get
 * the same admission limits, deadlines and output bounds as TCP peers.
 *
 * Contract (net.Socket's): 'data' chunks in order; 'end' when the remote
 * finished; exactly one 'close' after the stream is gone (EOF, error,
 * `destroy()`); 'error' before 'close' when it died of one; `write` returns
 * false once `writableLength` reaches `writableHighWaterMark`, and 'drain'
 * follows when the queue went back down; `pause`/`resume` stop and restart
 * 'data'.
 */

export interface ByteStream {
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  /** Output queued, not yet taken by the kernel. */
  readonly writableLength: number;
  readonly writableHighWaterMark: number;
  /** The peer's IP and port (undefined on a UNIX socket, or once closed). */
  readonly remoteAddress?: string | undefined;
  readonly remotePort?: number | undefined;
  write(bytes: Uint8Array): boolean;
  /** Graceful close: flush, then end the stream. */
  end(): unknown;
  destroy(): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end' | 'drain' | 'close', listener: () => void): unknown;
  once(event: 'close', listener: () => void): unknown;
  off(event: 'data', listener: (chunk: Buffer) => void): unknown;
  off(event: 'end' | 'drain' | 'close', listener: () => void): unknown;
}
