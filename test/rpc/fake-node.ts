/**
 * A fake RpcNode for the RPC and CLI shell tests: records calls, answers from
 * a scripted table. Enters through parameters (RpcServer's `node`,
 * startDaemon's `createNode`), never by patching.
 */
import { getPublicKey } from '@noble/secp256k1';
import type { Network } from '../../src/address/types.js';
import type { RpcNode } from '../../src/rpc/methods.js';
import { ConnectError } from '../../src/types.js';
import type { Binding, ConnectOptions, ConnectResult, NodeOptions, PeerInfo } from '../../src/types.js';

export function nodeIdFor(n: number): string {
  const sk = new Uint8Array(32);
  sk[31] = n;
  return Buffer.from(getPublicKey(sk, true)).toString('hex');
}

export interface FakeNode extends RpcNode {
  calls: { method: string; args: unknown[] }[];
  peers: PeerInfo[];
  /** What connectParams does; default: succeeds with `out` to 127.0.0.1:9735. */
  onConnect: (params: unknown, opts?: ConnectOptions) => Promise<ConnectResult>;
  closed: boolean;
  options?: NodeOptions;
}

export function fakeNode(over: { id?: string; network?: Network; bindings?: Binding[] } = {}): FakeNode {
  const node: FakeNode = {
    id: over.id ?? nodeIdFor(1),
    network: over.network ?? 'regtest',
    bindings: over.bindings ?? [{ type: 'ipv4', address: '127.0.0.1', port: 40001 }],
    cryptoBackend: 'portable',
    calls: [],
    peers: [],
    closed: false,
    onConnect: async (params) => {
      const id = Array.isArray(params) ? String(params[0]) : String((params as { id: unknown }).id);
      // Deliberately out of CLN's key order: the RPC must reorder.
      return { address: { port: 9735, type: 'ipv4', address: '127.0.0.1' }, direction: 'out', features: '0a', id } as unknown as ConnectResult;
    },
    async connect() {
      throw new ConnectError(-1, 'use connectParams');
    },
    async connectParams(params, opts) {
      node.calls.push({ method: 'connectParams', args: [params, opts] });
      return node.onConnect(params, opts);
    },
    async disconnect(id, opts) {
      node.calls.push({ method: 'disconnect', args: [id, opts] });
      node.peers = node.peers.filter((p) => p.id !== id);
    },
    listPeers(id) {
      node.calls.push({ method: 'listPeers', args: [id] });
      return id === undefined ? node.peers : node.peers.filter((p) => p.id === id);
    },
    async addAddresses() {},
    async close() {
      node.closed = true;
    },
  };
  return node;
}
