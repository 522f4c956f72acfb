/**
 * The `dialQueue` actor of the supervisor: at most N outgoing attempts in
 * flight (Core Lightning's max_connect_in_flight, default 10), the rest
 * queued in order (p-queue). `queue.enter` asks for a slot; `queue.granted`
 * answers; `queue.leave` frees it (or withdraws a request still waiting).
 * Logs `Too many connections, waiting...` through the `log` callback.
 */
import PQueue from 'p-queue';
import { fromCallback } from 'xstate';
import type { QueueCommand } from './supervisor.js';

export function dialQueueLogic(concurrency: number, log?: (msg: string) => void) {
  return fromCallback<QueueCommand>(({ sendBack, receive }) => {
    const queue = new PQueue({ concurrency });
    const running = new Map<string, () => void>();
    const withdrawn = new Set<string>();
    let stopped = false;

    receive((cmd) => {
      if (cmd.type === 'queue.enter') {
        if (queue.pending >= concurrency) log?.('Too many connections, waiting...');
        void queue.add(
          () =>
            new Promise<void>((resolve) => {
              if (stopped || withdrawn.delete(cmd.key)) {
                resolve();
                return;
              }
              running.set(cmd.key, resolve);
              sendBack({ type: 'queue.granted', key: cmd.key });
            }),
        );
        return;
      }
      const release = running.get(cmd.key);
      if (release !== undefined) {
        running.delete(cmd.key);
        release();
      } else {
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
