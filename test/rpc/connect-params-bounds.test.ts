// connect's parameters against values the runtime or the error texts must bound (issue 11, items 6 and 9).
import { describe, expect, it } from 'vitest';
import { MAX_TIMEOUT_SECS, hostNotValid, parseConnectParams, resolveConnectTarget } from '../../src/rpc/connect-params.js';

const ID = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';

describe('timeout beyond the timer limit', () => {
  it('2147483 seconds is the most a Node timer holds; more is refused, not a 1 ms timer', () => {
    expect(MAX_TIMEOUT_SECS).toBe(2147483);
    expect(parseConnectParams({ id: ID, timeout: 2147483 })).toEqual({ ok: true, value: { id: ID, timeoutSecs: 2147483 } });
    expect(parseConnectParams({ id: ID, timeout: 3000000 })).toEqual({
      ok: false,
      code: -32602,
      message: "timeout: should be at most 2147483 seconds: invalid token '3000000'",
    });
  });
});

describe('echoed tokens are capped', () => {
  const big = 'q'.repeat(1_000_000);

  it('a bad token is quoted up to 100 characters then …', () => {
    const r = parseConnectParams([big]);
    expect(r).toEqual({ ok: false, code: -32602, message: `id: should be a node id: invalid token '"${'q'.repeat(99)}…'` });
    const port = parseConnectParams({ id: ID, host: 'h', port: big });
    expect(!port.ok && port.message).toBe(`port: should be a 16-bit integer: invalid token '"${'q'.repeat(99)}…'`);
  });

  it('unknown and duplicate keys are capped', () => {
    const r = parseConnectParams({ id: ID, [big]: 1 });
    expect(!r.ok && r.message.startsWith(`unknown parameter: ${'q'.repeat(100)}…, this may be caused`)).toBe(true);
  });

  it('a host is quoted whole up to 1024 characters, then capped', () => {
    const parsed = parseConnectParams([ID, `${big}.onion`]);
    if (!parsed.ok) throw new Error(parsed.message);
    const r = resolveConnectTarget(parsed.value, { network: 'regtest', dnsOk: true });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toBe(`Host ${'q'.repeat(1024)}…:19846 not valid: Invalid Tor address`);
    expect(hostNotValid(big, 1, 'why').message.length).toBeLessThan(1100);
  });
});
