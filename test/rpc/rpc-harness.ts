/** Raw UNIX-socket helpers for the RPC tests: write bytes, collect "\n\n"-terminated answers. */
import { createConnection } from 'node:net';
import type { Socket } from 'node:net';

export interface RawClient {
  socket: Socket;
  /** Resolves when the server has closed the connection. */
  closed: Promise<void>;
  /** Resolves with the next `n` answers (parsed), in arrival order. */
  next(n?: number): Promise<Record<string, unknown>[]>;
  write(s: string | Uint8Array): void;
  close(): void;
}

export function rawClient(path: string): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ path });
    let buf = '';
    const answers: Record<string, unknown>[] = [];
    let waiter: (() => void) | undefined;
    socket.on('data', (d: Buffer) => {
      buf += d.toString('utf8');
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        answers.push(JSON.parse(buf.slice(0, i)) as Record<string, unknown>);
        buf = buf.slice(i + 2);
      }
      waiter?.();
    });
    socket.once('error', reject);
    // A server that closes with our bytes unread resets the connection: that is a close here.
    let isClosed = false;
    const closed = new Promise<void>((r) =>
      socket.once('close', () => {
        isClosed = true;
        r();
      }),
    );
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => undefined);
      resolve({
        socket,
        closed,
        write: (s) => socket.write(s),
        close: () => socket.destroy(),
        next: (n = 1) =>
          new Promise((res, rej) => {
            const check = (): void => {
              if (answers.length >= n) {
                waiter = undefined;
                res(answers.splice(0, n));
              }
            };
            waiter = check;
            const onClose = (): void => {
              if (answers.length < n) rej(new Error(`closed with ${answers.length}/${n} answers`));
            };
            if (isClosed) onClose();
            else socket.once('close', onClose);
            check();
          }),
      });
    });
  });
}

/** A request as lightning-cli sends it (Core Lightning requires `params`: no params is `[]`). */
export function req(id: unknown, method: string, params: unknown = []): string {
  return JSON.stringify({ jsonrpc: '2.0', id, method, params });
}
