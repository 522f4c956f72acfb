/**
 * The BOLT 1 decisions of a session, as pure functions over bytes (BOLT 1
 * "The init Message", "Lightning Message Format", ping/pong, BOLT 9 checks).
 * The session (src/session/session.ts) applies their verdicts.
 */
import {
  checkPeerInit,
  classifyMessage,
  decodeErrorPayload,
  decodeInitPayload,
  decodeMessage,
  decodePingPayload,
  encodeInit,
  encodePing,
  errorDataText,
  invalidPingText,
  invalidUnknownEvenText,
  MESSAGE_TYPES as MessageType,
  pongFor,
  toHex,
  warningMessage,
} from '../bolt1/index.js';
import type { WireAddress } from '../address/types.js';
import type { InitVerdict, InitParams } from './types.js';

/**
 * The longest `features` or `globalfeatures` accepted in a peer's init: 1024
 * bytes = 8,192 bits (BOLT 9 assigns bits in the low hundreds). A longer one
 * is refused with a warning (`Features too long: N bytes (at most 1024)`), so
 * what a peer's init makes the node store (its features, hex, in listpeers)
 * stays under 2 KiB per peer. Other init TLVs are not stored: `networks` is
 * checked, `remote_addr` kept only as a formatted address, unknown odd ones
 * dropped.
 */
export const MAX_INIT_FEATURES_BYTES = 1024;

export function featuresTooLongText(length: number): string {
  return `Features too long: ${length} bytes (at most ${MAX_INIT_FEATURES_BYTES})`;
}

/** Our init: features, the legacy globalfeatures subset, networks, and remote_addr on inbound IP connections. */
export function ourInit(config: InitParams, remoteWire: WireAddress | null): Uint8Array {
  return encodeInit({
    globalfeatures: config.globalFeatures,
    features: config.features,
    networks: [config.chainHash],
    ...(remoteWire === null ? {} : { remoteAddr: remoteWire }),
  });
}

function formatWire(a: WireAddress): string {
  return a.type === 'ipv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/**
 * The first message must be init; unknown odd messages before it are skipped;
 * anything else fails init (spec §8). Rejections carry the warning to send.
 */
export function judgeInitMessage(config: InitParams, message: Uint8Array): InitVerdict {
  let type: number;
  let payload: Uint8Array;
  try {
    ({ type, payload } = decodeMessage(message));
  } catch {
    return { kind: 'rejected', reason: 'Protocol error', warning: null };
  }
  if (type === MessageType.init) {
    try {
      const init = decodeInitPayload(payload);
      const longest = Math.max(init.features.length, init.globalfeatures.length);
      if (longest > MAX_INIT_FEATURES_BYTES) {
        const text = featuresTooLongText(longest);
        return { kind: 'rejected', reason: text, warning: warningMessage(text) };
      }
      const check = checkPeerInit({ features: config.features, chainHash: config.chainHash }, init);
      if (!check.ok) return { kind: 'rejected', reason: check.warning, warning: warningMessage(check.warning) };
      const remote = init.remoteAddr;
      const remoteAddr = remote !== undefined && (remote.type === 'ipv4' || remote.type === 'ipv6') && remote.port !== 0
        ? formatWire(remote)
        : null;
      return { kind: 'accepted', features: toHex(check.features), remoteAddr };
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return { kind: 'rejected', reason: `invalid init: ${why}`, warning: null };
    }
  }
  if (type === MessageType.error || type === MessageType.warning) {
    let text: string;
    try {
      text = errorDataText(decodeErrorPayload(payload).data);
    } catch {
      text = toHex(payload);
    }
    return { kind: 'rejected', reason: `peer sent error: ${text}`, warning: null };
  }
  if (classifyMessage(type) === 'unknown-odd') return { kind: 'skip' };
  return { kind: 'rejected', reason: `expected init, got message type ${type}`, warning: null };
}

/** What the connected peer machine does with one message (spec §9). */
export type ConnectedAction =
  | { kind: 'reply'; message: Uint8Array }
  | { kind: 'pong' }
  | { kind: 'none' }
  | { kind: 'peer-error'; text: string };

export function handleConnectedMessage(message: Uint8Array): ConnectedAction {
  let type: number;
  let payload: Uint8Array;
  try {
    ({ type, payload } = decodeMessage(message));
  } catch {
    return { kind: 'none' };
  }
  switch (type) {
    case MessageType.ping: {
      try {
        const pong = pongFor(decodePingPayload(payload));
        return pong === null ? { kind: 'none' } : { kind: 'reply', message: pong };
      } catch {
        return { kind: 'reply', message: warningMessage(invalidPingText(message)) };
      }
    }
    case MessageType.pong:
      return { kind: 'pong' };
    case MessageType.error:
    case MessageType.warning: {
      let text: string;
      try {
        text = errorDataText(decodeErrorPayload(payload).data);
      } catch {
        text = toHex(payload);
      }
      return { kind: 'peer-error', text };
    }
    default:
      if (classifyMessage(type) === 'unknown-even') {
        return { kind: 'reply', message: warningMessage(invalidUnknownEvenText(message)) };
      }
      return { kind: 'none' };
  }
}

/** Keepalive ping: `num_pong_bytes = 1`, no padding (spec §9). */
export function keepalivePing(): Uint8Array {
  return encodePing({ numPongBytes: 1, byteslen: 0 });
}
