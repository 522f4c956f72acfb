import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withConfigFiles } from '../../src/cli/config-file.js';
import { parseDaemonArgs } from '../../src/cli/options.js';
import { DAEMON_USAGE } from '../../src/cli/options.js';
import { formatMetricsAddr, parseMetricsAddr } from '../../src/metrics/server.js';

describe('--metrics-addr', () => {
  it('parses HOST:PORT and [IPv6]:PORT, refuses anything else', () => {
    expect(parseMetricsAddr('127.0.0.1:9100')).toEqual({ host: '127.0.0.1', port: 9100 });
    expect(parseMetricsAddr('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseMetricsAddr('localhost:9100')).toEqual({ host: 'localhost', port: 9100 });
    for (const bad of ['', '9100', '127.0.0.1', '127.0.0.1:', '::1:9100', '127.0.0.1:65536', '127.0.0.1:-1', 'a b:1', '[x]:1', '127.0.0.1:123456']) {
      expect(parseMetricsAddr(bad), bad).toBeNull();
    }
    expect(formatMetricsAddr({ host: '::1', port: 9100 })).toBe('[::1]:9100');
    expect(formatMetricsAddr({ host: '127.0.0.1', port: 9100 })).toBe('127.0.0.1:9100');
  });

  it('is a daemon option, absent by default, with a clear error', () => {
    const ok = parseDaemonArgs(['--metrics-addr=127.0.0.1:9100']);
    expect(ok.kind === 'ok' && ok.options.metricsAddr).toEqual({ host: '127.0.0.1', port: 9100 });
    const none = parseDaemonArgs([]);
    expect(none.kind === 'ok' && none.options.metricsAddr).toBeUndefined();
    expect(parseDaemonArgs(['--metrics-addr', 'nope'])).toEqual({
      kind: 'error',
      message: "option '--metrics-addr' expects HOST:PORT or [IPv6]:PORT, got 'nope'",
    });
    expect(DAEMON_USAGE).toContain('--metrics-addr=HOST:PORT');
  });

  it('is read from a config file as metrics-addr=HOST:PORT; a bad one names file and line', async () => {
    const d = await mkdtemp(join(tmpdir(), 'lnc-metrics-conf-'));
    try {
      await writeFile(join(d, 'config'), '# scraped by prometheus\nmetrics-addr=127.0.0.1:9100\n');
      const merged = await withConfigFiles([`--lightning-dir=${d}`]);
      if (!merged.ok) throw new Error(merged.message);
      const parsed = parseDaemonArgs(merged.argv);
      expect(parsed.kind === 'ok' && parsed.options.metricsAddr).toEqual({ host: '127.0.0.1', port: 9100 });
      await writeFile(join(d, 'config'), 'metrics-addr=nope\n');
      expect(await withConfigFiles([`--lightning-dir=${d}`])).toMatchObject({
        ok: false,
        message: expect.stringContaining(`${join(d, 'config')}:1`) as unknown,
      });
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});
