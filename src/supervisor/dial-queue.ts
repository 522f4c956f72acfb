/**
 * The `dialQueue` actor of the supervisor: at most N outgoing attempts in
 * flight (Core Lightning's max_connect_in_flight, default 10), the rest
 * queued in order (p-queue). `queue.enter` asks for a slot; `queue.granted`
 * answers; `queue.leave` frees it (or withdraws a request still waiting;
 * a key it does not hold is ignored). Logs `Too many connections,
 * waiting...` through the `log` callback; a logger that throws must not
 * stop the queue (every outgoing attempt would wait forever).
 */
import PQueue from 'p-queue';
import { fromCallback } from 'xstate';
import type { QueueCommand } from './supervisor.js';

export function dialQueueLogic(concurrency: number, log?: (msg: string) => void) {
  return fromCallback<QueueCommand>(({ sendBack, receive }) => {
    const queue = new PQueue({ concurrency });
    const running = new Map<string, () => void>();
    const waiting = new Set<string>();
    const withdrawn = new Set<string>();
    let stopped = false;

    receive((cmd) => {
      if (cmd.type === 'queue.enter') {
        const full = queue.pending >= concurrency;
        waiting.add(cmd.key);
        void queue.add(
          () =>
            new Promise<void>((resolve) => {
              waiting.delete(cmd.key);
              if (stopped || withdrawn.delete(cmd.key)) {
                resolve();
                return;
              }
              running.set(cmd.key, resolve);
              sendBack({ type: 'queue.granted', key: cmd.key });
            }),
        );
        if (full) {
          try {
            log?.('Too many connections, waiting...');
          } catch {
            // the log line is lost; the queue goes on
          }
        }
        return;
      }
      const release = running.get(cmd.key);
      if (release !== undefined) {
        running.delete(cmd.key);
        release();
      } else if (waiting.has(cmd.key)) {
        withdrawn.add(cmd.key);
      }
    });

    return () => {
      stopped = true;
      for (const release of running.values()) release();
      running.clear();
      queue.clear();
    };
  });
}
