/**
 * Between a connection's sans-io session and the peer machine, for every
 * shell that drives one (the Node shell, src/io/peer-shell.ts, and the
 * browser's, src/browser/browser-peer.ts): the session a new connection runs
 * (role, keys, our init) and the phase event each session fact becomes —
 * bytes and messages never become one. No I/O here.
 */
import type { WireAddress } from '../address/types.js';
import { fromHex } from '../bolt1/index.js';
import { Session } from '../session/index.js';
import type { MessageTrace, SessionFact } from '../session/index.js';
import type { PeerConfig, PeerEvent } from './peer-types.js';

/** The session of one connection: initiator towards `remoteId`, or responder. */
export function sessionFor(
  c: PeerConfig,
  role: 'initiator' | 'responder',
  remoteId: string,
  remoteWire: WireAddress | null,
  trace?: MessageTrace,
): Session {
  return new Session({
    role,
    crypto: c.crypto,
    localKey: c.localKey,
    chainHash: c.chainHash,
    features: c.features,
    globalFeatures: c.globalFeatures,
    pingIdleMs: c.timeouts.pingIdleMs,
    remoteWire,
    ...(role === 'initiator' ? { remoteStatic: fromHex(remoteId) } : {}),
    ...(c.ephemeral === undefined ? {} : { ephemeralSecret: c.ephemeral() }),
    ...(trace === undefined ? {} : { trace }),
  });
}

/**
 * The phase event a session fact becomes, or null for what stays in the shell
 * (`peer.error` is logged, `message` goes to the runtime).
 */
export function eventOf(index: number, f: SessionFact): PeerEvent | null {
  switch (f.type) {
    case 'act1.received':
    case 'act2.received':
      return { type: f.type, index };
    case 'act3.received':
      return { type: f.type, index, remoteId: f.remoteId };
    case 'handshake.failed':
    case 'init.rejected':
      return { type: f.type, index, reason: f.reason };
    case 'init.accepted':
      return { type: f.type, index, features: f.features, remoteAddr: f.remoteAddr };
    case 'transport.failed':
    case 'keepalive.failed':
      return { type: 'conn.closed', index, reason: f.reason };
    case 'peer.error':
    case 'message':
      return null;
  }
}

