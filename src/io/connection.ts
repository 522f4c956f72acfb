/**
 * The `connection` actor the peer machine names: one socket, outbound (dial
 * one dial-list entry) or inbound (adopt an accepted socket).
 *
 * Before `conn.upgrade` it hands raw bytes to the handshake in exactly the
 * amounts asked for (`conn.read`), buffering the rest (so bytes that follow
 * act three — the peer's init — are never handed out raw); after it, it runs
 * the BOLT 8 transport (src/bolt8/transport.ts): `wire.send` is encrypted,
 * incoming bytes are decrypted into `wire.message` events. A transport MAC
 * failure or an oversize frame closes the socket with `Protocol error`.
 * Stopping the actor destroys the socket unless a graceful close is under way.
 */
import type { Socket } from 'node:net';
import { fromCallback } from 'xstate';
import type { CryptoBackend } from '../crypto/backend.js';
import { Bolt8Error, Transport } from '../bolt8/index.js';
import type { ConnCommand, ConnFact, ConnInput } from '../machines/events.js';
import { dial, DialError } from './dial.js';
import type { DialOptions } from './dial.js';
import { socketErrorReason } from './errno.js';
import { SocketChannel } from './socket-channel.js';

export interface ConnectionDeps {
  crypto: CryptoBackend;
  /** Dial options except the signal; the peer machine owns the establishment timer, this is a backstop. */
  dialOptions: Omit<DialOptions, 'signal'>;
}

/** Raw bytes buffered before the handshake asks for them; past this, reading pauses. */
const RAW_BUFFER_LIMIT = 64 * 1024;

export function connectionLogic(deps: ConnectionDeps) {
  return fromCallback<ConnCommand, ConnInput>(({ input, sendBack, receive }) => {
    const { index } = input;
    const send = (fact: ConnFact): void => sendBack(fact);
    let channel: SocketChannel | null = null;
    let transport: Transport | null = null;
    let raw: Buffer[] = [];
    let rawLength = 0;
    let want = 0;
    let stopped = false;
    let closing = false;
    const abort = new AbortController();

    const deliverRaw = (): void => {
      if (want === 0 || rawLength < want) return;
      const all = raw.length === 1 ? (raw[0] as Buffer) : Buffer.concat(raw, rawLength);
      const bytes = all.subarray(0, want);
      const rest = all.subarray(want);
      raw = rest.length > 0 ? [rest] : [];
      rawLength = rest.length;
      want = 0;
      if (channel !== null && channel.paused && rawLength < RAW_BUFFER_LIMIT) channel.resumeReading();
      send({ type: 'conn.data', index, bytes });
    };

    const drainTransport = (): void => {
      if (transport === null || channel === null) return;
      try {
        for (let m = transport.read(); m !== null; m = transport.read()) {
          send({ type: 'wire.message', index, message: m });
          if (stopped) return;
        }
      } catch (err) {
        const reason = err instanceof Bolt8Error ? 'Protocol error' : String(err);
        const ch = channel;
        channel = null;
        ch.destroy();
        send({ type: 'conn.closed', index, reason });
      }
    };

    const adopt = (socket: Socket): void => {
      channel = new SocketChannel(socket, {
        onData: (chunk) => {
          if (transport !== null) {
            transport.push(chunk);
            drainTransport();
            return;
          }
          raw.push(chunk);
          rawLength += chunk.length;
          if (rawLength >= RAW_BUFFER_LIMIT) channel?.pauseReading();
          deliverRaw();
        },
        onClose: (error) => {
          const wasOpen = channel !== null;
          channel = null;
          if (stopped || !wasOpen) return;
          send(error === undefined ? { type: 'conn.closed', index } : { type: 'conn.closed', index, reason: socketErrorReason(error) });
        },
      });
    };

    if (input.socket !== undefined) {
      adopt(input.socket as Socket);
    } else if (input.address !== undefined) {
      dial(input.address, { ...deps.dialOptions, signal: abort.signal }).then(
        (socket) => {
          if (stopped) {
            socket.destroy();
            return;
          }
          adopt(socket);
          send({ type: 'conn.opened', index, gen: input.gen });
        },
        (err: unknown) => {
          if (stopped) return;
          if (err instanceof DialError) {
            send({
              type: 'conn.failed',
              index,
              gen: input.gen,
              reason: err.reason,
              ...(err.prefix === undefined ? {} : { prefix: err.prefix }),
              ...(err.fragment === undefined ? {} : { fragment: err.fragment }),
            });
          } else {
            send({ type: 'conn.failed', index, gen: input.gen, reason: String(err) });
          }
        },
      );
    }

    receive((cmd) => {
      const ch = channel;
      if (ch === null) return;
      switch (cmd.type) {
        case 'conn.read':
          want = cmd.n;
          deliverRaw();
          return;
        case 'conn.write':
          ch.write(cmd.bytes);
          return;
        case 'conn.upgrade': {
          transport = new Transport(deps.crypto, cmd.keys);
          const pending = raw;
          raw = [];
          rawLength = 0;
          for (const b of pending) transport.push(b);
          if (ch.paused) ch.resumeReading();
          // Deliver what already arrived once the peer has processed the upgrade.
          queueMicrotask(drainTransport);
          return;
        }
        case 'wire.send':
          if (transport === null) return;
          try {
            ch.write(transport.encrypt(cmd.message));
          } catch {
            // A message over 65535 bytes is refused by the transport, never truncated; nothing is sent.
          }
          return;
        case 'conn.close':
          closing = true;
          ch.close();
          return;
      }
    });

    return () => {
      stopped = true;
      abort.abort();
      if (channel !== null && !closing) channel.destroy();
    };
  });
}
