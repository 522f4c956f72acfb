/** Shared helpers for the loopback node tests (issue 5): nodes, ports, leak counts. */
import net from 'node:net';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';
import type { NodeOptions } from '../../src/types.js';

export const LOOPBACK = { host: '127.0.0.1', port: 0 };

export class NodeSet {
  readonly nodes: Node[] = [];
  async make(opts: NodeOptions = {}): Promise<Node> {
    const n = await createNode({ network: 'regtest', ...opts });
    this.nodes.push(n);
    return n;
  }
  async listening(opts: NodeOptions = {}): Promise<Node> {
    return this.make({ listen: [LOOPBACK], ...opts });
  }
  async closeAll(): Promise<void> {
    await Promise.all(this.nodes.splice(0).map((n) => n.close()));
  }
}

export function tcpPort(n: Node): number {
  const b = n.bindings.find((x) => x.type === 'ipv4' || x.type === 'ipv6');
  if (b === undefined || b.type === 'local socket') throw new Error('node has no TCP binding');
  return b.port;
}

export { sleep } from '../helpers/resources.js';

/** `p` settled, or a failure after `ms` (a hang must fail the case, not pass it late). */
export async function within<T>(p: Promise<T>, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not settled within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, hung]);
  } finally {
    clearTimeout(timer);
  }
}

export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A TCP server that accepts and then never sends a byte (a stalled peer). */
export async function stallServer(): Promise<{ port: number; accepted: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((s) => {
    count++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => count,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Number of connections a node's listener has accepted so far, counted at the OS level by wrapping;
 * `open()`: those whose client side has not closed yet (the remote end of the dialler's socket).
 */
export function countingProxy(targetPort: number): Promise<{ port: number; connections: () => number; open: () => number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  let count = 0;
  const server = net.createServer((client) => {
    count++;
    const up = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    clients.add(client);
    sockets.add(up);
    client.on('error', () => up.destroy());
    up.on('error', () => client.destroy());
    client.on('close', () => { sockets.delete(client); clients.delete(client); up.destroy(); });
    up.on('close', () => { sockets.delete(up); client.destroy(); });
    client.pipe(up).pipe(client);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        connections: () => count,
        open: () => clients.size,
        async close() {
          for (const s of sockets) s.destroy();
          await new Promise<void>((r) => server.close(() => r()));
        },
      }),
    ),
  );
}
