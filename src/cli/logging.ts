/**
 * lnconnectd's logger: pino, JSON lines to `--log-file`, readable Core
 * Lightning-style lines on a terminal (a tiny formatter here rather than
 * pino-pretty). Core Lightning's levels map onto pino's: io→trace,
 * debug→debug, info→info, unusual→warn, broken→error. Secret-looking fields
 * are redacted as a second line of defence; nothing secret is logged on
 * purpose. The log file is opened at once (a path that cannot be opened is a
 * `LogFileError` naming it) and reopened by `reopen()` (SIGHUP, after
 * logrotate moved it).
 */
import { pino } from 'pino';
import type { DestinationStream, Level, Logger } from 'pino';
import type { LogLevel } from './options.js';

export const PINO_LEVEL: Readonly<Record<LogLevel, Level>> = {
  io: 'trace',
  debug: 'debug',
  info: 'info',
  unusual: 'warn',
  broken: 'error',
};

const CLN_NAME: Readonly<Record<number, string>> = { 10: 'IO', 20: 'DEBUG', 30: 'INFO', 40: 'UNUSUAL', 50: 'BROKEN', 60: 'BROKEN' };
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'nodeId', 'component']);

/** One JSON log line → `2024-05-01T12:00:00.000Z DEBUG   02ab…-connectd: Connect OUT addr=…`. */
export function formatLine(json: string): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const time = typeof rec.time === 'number' ? new Date(rec.time).toISOString() : new Date().toISOString();
  const level = CLN_NAME[typeof rec.level === 'number' ? rec.level : 30] ?? 'INFO';
  const who = typeof rec.nodeId === 'string' ? `${rec.nodeId}-${typeof rec.component === 'string' ? rec.component : 'connectd'}` : 'lnconnectd';
  const extras = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  return `${time} ${level.padEnd(7)} ${who}: ${msg}${extras.length > 0 ? ` ${extras.join(' ')}` : ''}\n`;
}

/** A pino destination writing readable lines to `out`. */
export function readableStream(out: NodeJS.WritableStream): DestinationStream {
  return { write: (line: string) => void out.write(formatLine(line)) };
}

export interface DaemonLogger {
  logger: Logger;
  /** Flush buffered lines (before exit). */
  flush: () => void;
  /** Close and reopen the log file at its path (no-op without one); throws a LogFileError when it cannot be opened. */
  reopen: () => void;
}

/** The log file could not be opened: the message names the path. */
export class LogFileError extends Error {
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`cannot open log file ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
    this.name = 'LogFileError';
  }
}

export function createDaemonLogger(opts: { level: LogLevel; logFile?: string; terminal?: NodeJS.WriteStream }): DaemonLogger {
  const level = PINO_LEVEL[opts.level];
  const terminal = opts.terminal ?? process.stdout;
  const streams: pino.StreamEntry[] = [];
  let file: ReturnType<typeof pino.destination> | undefined;
  if (opts.logFile !== undefined && opts.logFile !== '-') {
    const path = opts.logFile;
    try {
      file = pino.destination({ dest: path, sync: true, mkdir: true });
    } catch (e) {
      throw new LogFileError(path, e);
    }
    streams.push({ level, stream: file });
  }
  // Readable lines when no file is named (Core Lightning logs to stdout), on a terminal, or with `-`.
  if (opts.logFile === undefined || opts.logFile === '-' || terminal.isTTY) {
    streams.push({ level, stream: readableStream(terminal) });
  }
  const logger = pino(
    {
      level,
      base: null,
      redact: { paths: ['secret', 'secretKey', '*.secret', '*.secretKey'], censor: '[redacted]' },
    },
    pino.multistream(streams),
  );
  const reopen = (): void => {
    if (file === undefined || opts.logFile === undefined) return;
    try {
      file.reopen();
    } catch (e) {
      throw new LogFileError(opts.logFile, e);
    }
  };
  return { logger, flush: () => file?.flushSync(), reopen };
}
