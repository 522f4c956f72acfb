/**
 * The browser bundle of `lnconnect/browser` (issue 14): src/browser/index.ts
 * bundled by esbuild for `platform: 'browser'` into one self-contained ES
 * module, dist/bundle/lnconnect-browser.js (+ source map), which a page
 * imports directly (examples/browser/index.html) and the package exports as
 * `lnconnect/browser/bundle`. Bundler users import `lnconnect/browser` (the
 * tsc output) instead and let their own bundler resolve xstate and @noble.
 *
 * Run by `npm run build` (so `npm ci` → `prepare` builds it). A Node
 * built-in reaching the entry fails the build: esbuild cannot resolve
 * `node:*` for the browser platform, and `forbiddenInputs` (checked by
 * test/browser/bundle.test.ts from the metafile) names any that slipped in
 * some other way.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Metafile } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const BUNDLE_NAME = 'lnconnect-browser.js';
export const DEFAULT_OUTDIR = join(ROOT, 'dist', 'bundle');

/** Node built-ins (with or without `node:`) and polyfill packages that must never be in the browser bundle. */
const FORBIDDEN = /^(node:|(buffer|net|fs|tls|dns|os|path|crypto|child_process|stream|http|https|events|util|worker_threads|process)(\/|$))/;

export interface BrowserBuild {
  file: string;
  metafile: Metafile;
  bytes: number;
}

export async function buildBrowser(outdir: string = DEFAULT_OUTDIR): Promise<BrowserBuild> {
  await mkdir(outdir, { recursive: true });
  const file = join(outdir, BUNDLE_NAME);
  const result = await build({
    entryPoints: [join(ROOT, 'src', 'browser', 'index.ts')],
    outfile: file,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2022'],
    minify: true,
    sourcemap: true,
    metafile: true,
    legalComments: 'linked',
    logLevel: 'silent',
  });
  const bad = forbiddenInputs(result.metafile);
  if (bad.length > 0) throw new Error(`browser bundle reaches Node modules: ${bad.join(', ')}`);
  const bytes = result.metafile.outputs[Object.keys(result.metafile.outputs).find((k) => k.endsWith(BUNDLE_NAME)) ?? '']?.bytes ?? 0;
  return { file, metafile: result.metafile, bytes };
}

/** Every import in the metafile that names a Node built-in, as `importer -> path`. */
export function forbiddenInputs(meta: Metafile): string[] {
  const out: string[] = [];
  for (const [input, info] of Object.entries(meta.inputs)) {
    if (FORBIDDEN.test(input)) out.push(input);
    for (const imp of info.imports) if (FORBIDDEN.test(imp.path) || imp.external === true) out.push(`${input} -> ${imp.path}`);
  }
  return out;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const b = await buildBrowser();
  console.log(`${b.file}: ${b.bytes} bytes, ${Object.keys(b.metafile.inputs).length} inputs`);
}
