import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDaemonLogger, formatLine } from '../../src/cli/logging.js';

describe('daemon logging', () => {
  it('formats readable Core Lightning-style lines', () => {
    const line = formatLine(JSON.stringify({ level: 20, time: 0, nodeId: '02ab', addr: '127.0.0.1:9735', msg: 'Connect OUT' }));
    expect(line).toBe('1970-01-01T00:00:00.000Z DEBUG   02ab-connectd: Connect OUT addr=127.0.0.1:9735\n');
    expect(formatLine(JSON.stringify({ level: 40, time: 0, msg: 'Unsupported feature 18' }))).toContain('UNUSUAL lnconnectd: Unsupported feature 18');
  });

  it('writes JSON to the log file at the mapped level and redacts secrets', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lnc-log-'));
    try {
      const file = join(dir, 'sub', 'log');
      const term = Object.assign(new Writable({ write: (_c, _e, cb) => cb() }), { isTTY: false }) as unknown as NodeJS.WriteStream;
      const { logger, flush } = createDaemonLogger({ level: 'unusual', logFile: file, terminal: term });
      logger.info('hidden');
      logger.warn({ secretKey: 'deadbeef' }, 'shown');
      flush();
      const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 40, msg: 'shown', secretKey: '[redacted]' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without a log file, readable lines go to the terminal stream', () => {
    let out = '';
    const term = Object.assign(new Writable({ write: (c: Buffer, _e, cb) => ((out += c.toString()), cb()) }), { isTTY: false }) as unknown as NodeJS.WriteStream;
    const { logger } = createDaemonLogger({ level: 'io', terminal: term });
    logger.trace('bytes');
    expect(out).toMatch(/ IO {6}lnconnectd: bytes\n$/);
  });
});
