/**
 * The example page (examples/browser/index.html) in Debian's Chromium, driven
 * by playwright-core: the page's own bundle (built here by
 * scripts/build-browser.ts, so the test checks the current sources) connects
 * over a WebSocket to a real lnconnectd process. Asserts what the page shows
 * (the result's id is the daemon's, the features are listed by name), that
 * the daemon's listpeers shows the page's node id, and the wrong-key failure
 * text; prints the time from page load to connected (performance.now() on
 * the page). Everything started here is stopped in afterAll, failures
 * included. Without Chromium: fails in CI, skipped with a printed reason
 * locally.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBrowser, BUNDLE_NAME } from '../../scripts/build-browser.js';
import { toHex } from '../../src/bolt1/index.js';
import { killDaemon, spawnDaemon, waitForRpc } from '../../src/cli/spawn-daemon.js';
import type { DaemonProcess } from '../../src/cli/spawn-daemon.js';
import { portableBackend } from '../../src/crypto/portable.js';
import type { RpcClient } from '../../src/rpc/client.js';
import type { GetInfoResult } from '../../src/rpc/methods.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = resolve(import.meta.dirname, '..', '..');
/** Headless Chromium that stays off the network: without the background-networking flags this closed network refuses it. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI === undefined) {
  console.log(`test/browser/page.test.ts skipped: ${CHROMIUM} not found (apt-get install chromium; .ci/run installs it)`);
}

interface Demo {
  state: string;
  ownId: string;
  result: { id: string; features: string; direction: string; address: unknown } | null;
  error: { code: number | null; message: string } | null;
  connectedAt: number | null;
  connectMs: number | null;
}

const dirs: string[] = [];
let daemon: DaemonProcess | undefined;
let rpc: RpcClient | undefined;
let http: Server | undefined;
let context: BrowserContext | undefined;
let daemonId = '';
let wsUrl = '';
let base = '';

async function tmp(prefix: string): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

/** Serves the example page and the freshly built bundle; nothing else. */
async function serve(bundleDir: string): Promise<Server> {
  const files: Record<string, string> = {
    '/examples/browser/': join(ROOT, 'examples', 'browser', 'index.html'),
    '/examples/browser/index.html': join(ROOT, 'examples', 'browser', 'index.html'),
    [`/dist/bundle/${BUNDLE_NAME}`]: join(bundleDir, BUNDLE_NAME),
    [`/dist/bundle/${BUNDLE_NAME}.map`]: join(bundleDir, `${BUNDLE_NAME}.map`),
  };
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = files[path];
    if (file === undefined) {
      res.writeHead(404).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** lnconnectd listening on a WebSocket only (Core Lightning's `--bind-addr=ws:HOST:PORT`), port from getinfo's binding. */
async function startDaemon(): Promise<void> {
  const dir = await tmp('lnc-page-daemon-');
  daemon = spawnDaemon({ lightningDir: dir, args: ['--bind-addr=ws:127.0.0.1:0', '--log-level=debug', `--log-file=${join(dir, 'log')}`] });
  rpc = await waitForRpc(daemon);
  const info = await rpc.call<GetInfoResult>('getinfo');
  daemonId = info.id;
  const b = info.binding.find((x) => x.type === 'websocket');
  if (b === undefined || !('port' in b)) throw new Error(`no websocket binding: ${JSON.stringify(info.binding)}`);
  wsUrl = `ws://127.0.0.1:${b.port}`;
}

async function until(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function openPage(query: Record<string, string>): Promise<{ page: Page; errors: string[] }> {
  if (context === undefined) throw new Error('no browser');
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${base}/examples/browser/?${new URLSearchParams(query).toString()}`);
  return { page, errors };
}

async function settled(page: Page): Promise<Demo> {
  await page.waitForFunction(() => {
    const s = (globalThis as unknown as { lnconnectDemo?: { state: string } }).lnconnectDemo?.state;
    return s === 'connected' || s === 'failed';
  }, undefined, { timeout: 20_000 });
  return page.evaluate(() => (globalThis as unknown as { lnconnectDemo: Demo }).lnconnectDemo);
}

describe.skipIf(!haveChromium && process.env.CI === undefined)('example page in Chromium', () => {
  beforeAll(async () => {
    if (!haveChromium) throw new Error(`${CHROMIUM} is missing in CI: .ci/run installs Debian's chromium`);
    const bundleDir = await tmp('lnc-page-bundle-');
    const [, server] = await Promise.all([startDaemon(), buildBrowser(bundleDir).then(() => serve(bundleDir))]);
    http = server;
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const profile = await tmp('lnc-chromium-');
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  }, 90_000);

  afterAll(async () => {
    const steps: (() => Promise<unknown>)[] = [
      async () => context?.close(),
      async () => new Promise<void>((r) => (http === undefined ? r() : http.close(() => r()))),
      async () => rpc?.close(),
      async () => (daemon === undefined ? undefined : killDaemon(daemon)),
      ...dirs.map((d) => () => rm(d, { recursive: true, force: true })),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch (err) {
        console.log(`cleanup step failed: ${String(err)}`);
      }
    }
  }, 30_000);

  it('connects from the page at load: result, named features, the daemon lists the page\'s node id; Disconnect closes both sides', async () => {
    const { page, errors } = await openPage({ id: daemonId, addr: wsUrl, network: 'regtest', auto: '1' });
    const demo = await settled(page);
    expect(demo.error).toBeNull();
    expect(demo.state).toBe('connected');
    const shown = JSON.parse(await page.locator('#result').innerText()) as { id: string; direction: string };
    expect(shown.id).toBe(daemonId);
    expect(shown.direction).toBe('out');
    const features = await page.locator('#features li').allInnerTexts();
    expect(features.some((f) => f.startsWith('payment_secret'))).toBe(true);
    const peers = await rpc!.call<{ peers: { id: string; connected: boolean }[] }>('listpeers');
    expect(peers.peers).toContainEqual(expect.objectContaining({ id: demo.ownId, connected: true }));
    console.log(`[browser] Chromium, portable backend: page load → connected ${demo.connectedAt?.toFixed(0)} ms (connect call ${demo.connectMs?.toFixed(0)} ms)`);
    // The Disconnect button closes it on both sides.
    await page.locator('#disconnect').click();
    await page.waitForFunction(() => (globalThis as unknown as { lnconnectDemo: Demo }).lnconnectDemo.state === 'disconnected');
    expect(await page.locator('#timing').innerText()).toBe('(disconnected by request)');
    await until(async () => {
      const after = await rpc!.call<{ peers: { id: string; connected: boolean }[] }>('listpeers');
      return after.peers.every((p) => p.id !== demo.ownId || !p.connected);
    }, 'the daemon to drop the page');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('figure: page load → connected over 5 loads (each a new page and node key)', async () => {
    const loads: number[] = [];
    const calls: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { page } = await openPage({ id: daemonId, addr: wsUrl, network: 'regtest', auto: '1' });
      const demo = await settled(page);
      expect(demo.state).toBe('connected');
      loads.push(demo.connectedAt ?? NaN);
      calls.push(demo.connectMs ?? NaN);
      await page.close();
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
    console.log(`[browser] page load → connected, 5 loads: ${loads.map((x) => x.toFixed(0)).join(', ')} ms (median ${median(loads).toFixed(0)}); connect call median ${median(calls).toFixed(0)} ms`);
  }, 90_000);

  it('a wrong node id shows the handshake stage text', async () => {
    const wrong = toHex(portableBackend.publicKey(portableBackend.randomSecret()));
    const { page, errors } = await openPage({ id: wrong, addr: wsUrl, network: 'regtest' });
    await page.locator('#connect').click();
    const demo = await settled(page);
    const text = `All addresses failed: ${wsUrl}: Cryptographic handshake: peer closed connection (wrong key?). `;
    expect(demo.error).toEqual(expect.objectContaining({ code: 401, message: text }));
    expect(await page.locator('#error').innerText()).toBe(`401: ${text}`);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
