/**
 * The log lines of a node's connections, as one consumer of its observation
 * point (./observer.ts; the metrics are the other):
 *
 * - info: one line per peer connected (`Peer connected`) and disconnected
 *   (`Peer disconnected`, with the peer machine's reason), each with the
 *   peer's id, the direction and the address;
 * - debug: every failed address of an attempt, also when another address
 *   then succeeded: `Failed connected out: <addr>: <stage>: <reason>` (the
 *   spec's §10 text) and `Failed connected in: …` for an inbound connection,
 *   with the peer id once the handshake told it;
 * - io (pino's trace): each peer message in and out, `[IN] ping` / `[OUT]
 *   pong`, with its type and length only — never its bytes, never a key.
 *
 * Levels are read once, when the node is built: with all three off this
 * observer is left out altogether (`logObserver` returns null). A logger
 * that throws costs nothing but its line.
 */
import type { Logger } from 'pino';
import { messageName as knownMessageName } from '../bolt1/index.js';
import type { Direction } from '../types.js';
import type { Observer } from './observer.js';
import { NULL_OBSERVER } from './observer.js';

/** A message type as the io lines print it: the BOLT 1 name lnconnect knows it by (bolt1's table), else its number. */
export function messageName(type: number): string {
  return knownMessageName(type) ?? `type ${type}`;
}

function say(write: () => void): void {
  try {
    write();
  } catch {
    // a failing logger loses its line, never the connection
  }
}

const peerField = (peer: string): { peer?: string } => (peer === '' ? {} : { peer });

/** The log lines of `log`'s enabled levels, or null when info, debug and io are all off. */
export function logObserver(log: Logger): Observer | null {
  const info = log.isLevelEnabled('info');
  const debug = log.isLevelEnabled('debug');
  const io = log.isLevelEnabled('trace');
  if (!info && !debug && !io) return null;
  return {
    ...NULL_OBSERVER,
    timed: false,
    messages: io,
    peerConnected: (direction: Direction, peer: string, address: string) => {
      if (info) say(() => log.info({ peer, direction, addr: address }, 'Peer connected'));
    },
    peerDisconnected: (direction: Direction, peer: string, address: string, reason: string) => {
      if (info) say(() => log.info({ peer, direction, addr: address, reason }, 'Peer disconnected'));
    },
    addressFailed: (direction: Direction, peer: string, address: string, stage: string, reason: string) => {
      if (!debug) return;
      const where = stage === '' ? address : `${address}: ${stage}`;
      say(() => log.debug(peerField(peer), `Failed connected ${direction}: ${where}: ${reason}`));
    },
    message: (direction: Direction, peer: string, type: number, length: number) => {
      if (io) say(() => log.trace({ peer, type, length }, `${direction === 'in' ? '[IN]' : '[OUT]'} ${messageName(type)}`));
    },
  };
}
