import { afterEach, describe, expect, it } from 'vitest';
import { createNode } from '../../src/index.js';
import type { Node } from '../../src/node.js';

const nodes: Node[] = [];
afterEach(async () => {
  await Promise.all(nodes.splice(0).map((n) => n.close()));
});

async function node(listen = true): Promise<Node> {
  const n = await createNode({ network: 'regtest', ...(listen ? { listen: [{ host: '127.0.0.1', port: 0 }] } : {}) });
  nodes.push(n);
  return n;
}

describe('two nodes on loopback', () => {
  it('connects A to B', async () => {
    const a = await node(false);
    const b = await node();
    const bind = b.bindings[0];
    if (bind === undefined || bind.type === 'local socket') throw new Error('no tcp binding');
    const r = await a.connect(b.id, '127.0.0.1', bind.port);
    expect(r).toMatchObject({ id: b.id, direction: 'out', address: { type: 'ipv4', address: '127.0.0.1', port: bind.port } });
    expect(r.features).toMatch(/^[0-9a-f]+$/);
    expect(Object.keys(r)).toEqual(['id', 'features', 'direction', 'address']);
    expect(a.listPeers()[0]?.connected).toBe(true);
  });
});
