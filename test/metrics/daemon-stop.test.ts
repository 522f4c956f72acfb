/**
 * lnconnectd's shutdown closes the metrics server (--metrics-addr) before it
 * releases the pid lock and says 'Shutdown complete' (src/cli/daemon.ts): a
 * script that restarts the daemon once the pid file is gone must find the
 * metrics port free, not fail with '--metrics-addr: cannot listen on …:
 * address already in use'. Checked at the moment of the log line, in
 * process: no http server is listening on the metrics port any more.
 */
import type { Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startDaemon } from '../../src/cli/daemon.js';
import { parseDaemonArgs } from '../../src/cli/options.js';
import type { NodeOptions } from '../../src/types.js';
import { fakeNode } from '../rpc/fake-node.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Servers listening on `port` now (Node's active handles: a synchronous look). */
function listeningOn(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.filter((h) => {
    const s = h as Partial<Server>;
    if (typeof s.address !== 'function' || s.listening !== true) return false;
    const a = s.address();
    return a !== null && typeof a === 'object' && a.port === port;
  }).length;
}

describe('lnconnectd shutdown with --metrics-addr', () => {
  it('has closed the metrics server when it says Shutdown complete', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lnc-ms-'));
    dirs.push(dir);
    const r = parseDaemonArgs([`--lightning-dir=${dir}`, '--network=regtest', '--addr=127.0.0.1:0', '--metrics-addr=127.0.0.1:0']);
    if (r.kind !== 'ok') throw new Error(JSON.stringify(r));
    let port = -1;
    let atComplete = -1;
    const lines = new Writable({
      write(chunk: Buffer, _enc, done): void {
        const line = JSON.parse(chunk.toString()) as { msg: string; metrics?: string };
        if (line.metrics !== undefined) port = Number(new URL(line.metrics).port);
        if (line.msg === 'Shutdown complete') atComplete = listeningOn(port);
        done();
      },
    });
    const d = await startDaemon(r.options, { logger: pino({ level: 'info' }, lines), createNode: async (o: NodeOptions) => Object.assign(fakeNode(), { options: o }) });
    expect(port).toBeGreaterThan(0);
    expect(listeningOn(port)).toBe(1); // the look sees it while it serves
    await d.shutdown('test');
    expect(atComplete).toBe(0);
  });
});
