/** `ws://` / `wss://` dial targets of the browser entry (src/address/ws-url.ts): labels, result addresses, refusals. */
import { describe, expect, it } from 'vitest';
import { parseWsUrl } from '../../src/browser/index.js';

describe('parseWsUrl', () => {
  it.each([
    ['ws://127.0.0.1:9736', 'ws://127.0.0.1:9736', { type: 'ipv4', address: '127.0.0.1', port: 9736 }],
    ['ws://[::1]:9736', 'ws://[::1]:9736', { type: 'ipv6', address: '::1', port: 9736 }],
    ['wss://node.example.com/lightning?x=1', 'wss://node.example.com/lightning?x=1', { type: 'dns', address: 'node.example.com', port: 443 }],
    ['ws://Node.Example.com', 'ws://node.example.com', { type: 'dns', address: 'node.example.com', port: 80 }],
    ['ws://300.1.1.1:1', 'ws://300.1.1.1:1', null],
  ])('%s', (input, label, address) => {
    const t = parseWsUrl(input);
    if (address === null) {
      // WHATWG URL refuses an out-of-range IPv4 literal itself.
      expect(typeof t).toBe('string');
      return;
    }
    expect(t).toEqual({ url: expect.any(String) as string, label, address });
  });

  it.each([
    ['http://127.0.0.1:9736', "unsupported scheme 'http:' (use ws: or wss:)"],
    ['127.0.0.1:9736', 'expected ws://host[:port] or wss://host[:port][/path]'],
    ['not a url', 'expected ws://host[:port] or wss://host[:port][/path]'],
    ['ws://user:pw@127.0.0.1:1', 'credentials in the URL are not supported'],
    ['ws://127.0.0.1:1/#x', 'a fragment (#…) is not allowed in a WebSocket URL'],
  ])('refuses %s', (input, why) => {
    expect(parseWsUrl(input)).toBe(why);
  });
});
