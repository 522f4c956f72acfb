/**
 * Typed BOLT 8 failures. A `Bolt8Error` always means the remote sent bytes
 * that BOLT 8 says must end the connection (close without sending
 * anything): bad version, bad public key, bad MAC, wrong act length, or
 * (when sending) a payload over 65535 bytes. `Bolt8StateError` is local
 * misuse (a handshake step called twice, a dead decoder reused).
 */

export type Bolt8Stage = 'act1' | 'act2' | 'act3' | 'transport';
export type Bolt8Reason = 'bad version' | 'bad public key' | 'bad MAC' | 'short input' | 'message too long';

export class Bolt8Error extends Error {
  override readonly name = 'Bolt8Error';
  readonly stage: Bolt8Stage;
  readonly reason: Bolt8Reason;

  constructor(stage: Bolt8Stage, reason: Bolt8Reason, options?: { cause?: unknown }) {
    super(`${stage}: ${reason}`, options);
    this.stage = stage;
    this.reason = reason;
  }
}

/** Local misuse of the BOLT 8 API: a bug in the caller, not the peer's fault. */
export class Bolt8StateError extends Error {
  override readonly name = 'Bolt8StateError';
}

export function isBolt8Error(err: unknown): err is Bolt8Error {
  return err instanceof Bolt8Error;
}
