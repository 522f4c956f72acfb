/**
 * What the bench measures: the compiled package (dist/, what `npm ci` builds
 * and users run), not the TypeScript sources under tsx — tsx keeps function
 * names (esbuild keep-names), which gives every per-peer closure a property
 * dictionary: ~3.8 KB more heap per idle peer than the shipped build.
 * `npm run bench` builds first. LNCONNECT_BENCH_SRC=1 measures src/ instead.
 */
import type * as Lib from '../src/index.js';

const specifier = process.env.LNCONNECT_BENCH_SRC === '1' ? '../src/index.js' : '../dist/index.js';
const lib = (await import(specifier)) as typeof Lib;

export const createNode: typeof Lib.createNode = lib.createNode;
/** Which build the bench runs. */
export const benchBuild = specifier.startsWith('../dist') ? 'dist (compiled)' : 'src (tsx)';
