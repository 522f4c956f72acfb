/** `npm run demo`'s program, run from sources: two real daemons, connect, listpeers, clean stop, exit 0. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('demo', () => {
  it('connects two loopback nodes through the RPC and stops them cleanly', async () => {
    const demo = fileURLToPath(new URL('../../src/cli/demo.ts', import.meta.url));
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, ['--import', 'tsx', demo], (err, stdout, stderr) => resolve({ code: err === null ? 0 : Number(err.code), stdout, stderr }));
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const ids = [...r.stdout.matchAll(/^node [AB] ([0-9a-f]{66})$/gm)].map((m) => m[1]);
    expect(ids).toHaveLength(2);
    expect(r.stdout).toContain(`"id": "${ids[1]}"`);
    expect(r.stdout).toContain('"direction": "out"');
    expect(r.stdout).toContain('== listpeers on B');
    expect(r.stdout).toContain(`"id": "${ids[0]}"`);
    expect(r.stdout).toContain('both nodes stopped cleanly');
  }, 60_000);
});
