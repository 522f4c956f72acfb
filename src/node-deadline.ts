/**
 * The error a caller gets when its own deadline (`timeoutMs`, RPC `timeout`)
 * passes before the attempt settled: a 401 in Core Lightning's format, built
 * from what the attempt knows at that moment — failed addresses keep their
 * reasons, addresses still being tried are reported `Connection timed out`
 * at the stage they reached (spec §4, §5).
 */
import type { PeerContext } from './machines/peer-types.js';
import { allFailedMessage, attemptRecords } from './machines/dial-list.js';
import type { DialEntry } from './machines/dial-list.js';
import { ConnectError, ErrorCode } from './types.js';

export function deadlineError(c: PeerContext | undefined): ConnectError {
  if (c === undefined) {
    return new ConnectError(ErrorCode.ALL_ADDRESSES_FAILED, 'All addresses failed: ', { attempts: [] });
  }
  const now = c.config.now();
  const entries: DialEntry[] = [];
  for (const [i, e] of c.entries.entries()) {
    if (e.status === 'failed') entries.push(e);
    else if (e.status === 'dialing' || e.status === 'open') {
      const stage = e.status === 'open' && i === c.active ? c.stage : 'Connection establishment';
      const ms = e.startedAt === undefined ? 0 : Math.round(now - e.startedAt);
      entries.push({ ...e, status: 'failed', record: { address: e.label, stage, reason: 'Connection timed out', ms } });
    }
  }
  return new ConnectError(ErrorCode.ALL_ADDRESSES_FAILED, allFailedMessage(entries), { attempts: attemptRecords(entries) });
}
