/**
 * `lnconnect/browser`: reach a Lightning node from a web page. Core
 * Lightning's `connect` (BOLT 8 handshake + BOLT 1 init) over a WebSocket
 * (`ws://host:port`, `wss://host[:port][/path]`), with the portable crypto
 * backend (@noble) and the same peer machine as the Node library; no `node:`
 * module is reachable from here (the bundle test checks esbuild's metafile).
 *
 *   const node = createBrowserNode();
 *   const r = await node.connect('02…', 'ws://127.0.0.1:9736');
 *   // r: { id, features, direction: 'out', address }; or a ConnectError (code 401, stage texts)
 */
import { featureBits, featureName, featuresFromHex } from '../bolt1/index.js';

export { createBrowserNode, outcomeResult } from './browser-node.js';
export type { BrowserNode, BrowserNodeOptions } from './browser-node.js';
export type { WebSocketFactory, WebSocketLike } from './ws-connection.js';
export { parseWsUrl } from '../address/ws-url.js';
export type { WsTarget } from '../address/ws-url.js';
export { ConnectError, ErrorCode } from '../types.js';
export type { AttemptRecord, ConnectErrorData, ConnectResult } from '../types.js';

/** One set bit of a feature vector, with its BOLT 9 name when it has one. */
export interface FeatureBit {
  bit: number;
  name: string | null;
  /** Even bits are compulsory ("it's OK to be odd"). */
  required: boolean;
}

/** The bits set in a connect result's `features` hex, ascending, named where BOLT 9 names them. */
export function describeFeatures(hex: string): FeatureBit[] {
  return featureBits(featuresFromHex(hex)).map((bit) => ({ bit, name: featureName(bit) ?? null, required: bit % 2 === 0 }));
}
