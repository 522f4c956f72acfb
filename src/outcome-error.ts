/**
 * The one table from a connect attempt's outcome (the peer machine's
 * `PeerOutcome`) to what a caller of `connect` is answered: nothing for
 * connected, else a `ConnectError` with Core Lightning's code and text
 * (STYLE habit 8). Shared by the node (src/node-connect.ts) and the browser
 * entry (src/browser/browser-node.ts), so it imports nothing Node-only.
 */
import type { PeerOutcome } from './machines/peer-types.js';
import { ConnectError, ErrorCode } from './types.js';

/** A failed outcome's error; `null` for connected. */
export function outcomeError(outcome: Exclude<PeerOutcome, { kind: 'connected' }>): ConnectError;
export function outcomeError(outcome: PeerOutcome): ConnectError | null;
export function outcomeError(outcome: PeerOutcome): ConnectError | null {
  switch (outcome.kind) {
    case 'connected':
      return null;
    case 'no-address':
      return new ConnectError(ErrorCode.NO_KNOWN_ADDRESS, 'Unable to connect, no address known for peer');
    case 'all-failed':
      return new ConnectError(ErrorCode.ALL_ADDRESSES_FAILED, outcome.message, { attempts: outcome.attempts });
    case 'disconnected-during':
      return new ConnectError(ErrorCode.DISCONNECTED_DURING, 'disconnected during connection');
    case 'cancelled':
      return new ConnectError(ErrorCode.LIGHTNINGD, 'Connection attempt cancelled');
  }
}
