/**
 * The browser bundle (scripts/build-browser.ts): esbuild's metafile shows
 * that no Node built-in (`node:*`, `buffer`, `net`, `fs`…) and nothing from
 * src/io, the native crypto backend or the node runtime is reachable from
 * `lnconnect/browser`, and the output uses no Node global (`Buffer`,
 * `process`). The check itself is shown to bite on a metafile that has one.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowser, BUNDLE_NAME, forbiddenInputs } from '../../scripts/build-browser.js';
import type { BrowserBuild } from '../../scripts/build-browser.js';
import pkg from '../../package.json' with { type: 'json' };

let dir = '';
let built: BrowserBuild;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lnc-bundle-'));
  built = await buildBrowser(dir);
}, 60_000);

afterAll(async () => {
  if (dir !== '') await rm(dir, { recursive: true, force: true });
});

describe('browser bundle', () => {
  it('reaches no Node built-in and none of the Node-only layers', () => {
    const inputs = Object.keys(built.metafile.inputs);
    expect(forbiddenInputs(built.metafile)).toEqual([]);
    const imports = Object.values(built.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
    expect(imports.filter((p) => p.startsWith('node:'))).toEqual([]);
    expect(inputs).toContain('src/crypto/portable.ts');
    expect(inputs).toContain('src/machines/peer.ts');
    expect(inputs).toContain('src/session/session.ts');
    const nodeOnly = inputs.filter((p) => /^src\/(io|cli|rpc|supervisor|node[^/]*\.ts$)|^src\/crypto\/(fast|index)\.ts$|node_modules\/(ws|pino|secp256k1|socks)\//.test(p));
    expect(nodeOnly).toEqual([]);
  });

  it('uses no Node global in the output', async () => {
    const text = await readFile(join(dir, BUNDLE_NAME), 'utf8');
    // `process(` alone is a method name in @noble's hashes; the globals are used as `process.x`, `Buffer.x`/`Buffer(`.
    expect(text.match(/(?<![\w$.])(Buffer[.(]|process\.|require\(|__dirname|__filename)/g) ?? []).toEqual([]);
    expect(built.bytes).toBeGreaterThan(0);
  });

  it('the check bites: a metafile with node:net or buffer is reported', () => {
    const meta: Metafile = {
      inputs: {
        'src/x.ts': { bytes: 1, imports: [{ path: 'node:net', kind: 'import-statement', external: true }] },
        'node_modules/y/index.js': { bytes: 1, imports: [{ path: 'buffer', kind: 'require-call' }] },
      },
      outputs: {},
    };
    expect(forbiddenInputs(meta)).toEqual(['src/x.ts -> node:net', 'node_modules/y/index.js -> buffer']);
  });

  it('package.json exports lnconnect/browser (types + modules) and the bundle', () => {
    const exp = pkg.exports as Record<string, Record<string, string>>;
    expect(exp['./browser']).toEqual(expect.objectContaining({ types: './dist/browser/index.d.ts', import: './dist/browser/index.js' }));
    expect(exp['./browser/bundle']?.default).toBe(`./dist/bundle/${BUNDLE_NAME}`);
    expect(pkg.scripts.build).toContain('scripts/build-browser.ts');
  });
});
