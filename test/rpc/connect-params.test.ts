// connect's parameters and error table (connect-behaviour.md §1, cln-reference.md §1.1–1.5): exact codes and texts.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NamedParams, parseConnectParams, readParamsEntries, resolveConnectTarget, renderToken } from '../../src/rpc/connect-params.js';
import type { ConnectParams } from '../../src/rpc/connect-params.js';
import { formatDialAddress } from '../../src/address/format.js';
import { DEFAULT_PORTS } from '../../src/address/ports.js';
import type { Network } from '../../src/address/types.js';

const ID = '0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798';
const OFF_CURVE = '02' + '5'.padStart(64, '0');
const ONION = '4ruvswpqec5i2gogopxl4vm5bruzknbvbylov2awbo4rxiq4cimdldad.onion';
const UNKNOWN_TAIL =
  ', this may be caused by a failure to autodetect key=value-style parameters. Please try using the -k flag and explicit key=value pairs of parameters.';

/** Both steps, as the RPC adapter runs them: regtest, DNS allowed. */
function connect(params: unknown, opts: { network?: Network; dnsOk?: boolean } = {}) {
  const p = parseConnectParams(params, opts.network ?? 'regtest');
  if (!p.ok) return p;
  return resolveConnectTarget(p.value, { network: opts.network ?? 'regtest', dnsOk: opts.dnsOk ?? true });
}

function err(code: number, message: string) {
  return { ok: false, code, message };
}

/** What gets dialled first, printed as a 401 `<addr>`; 'name x:p' for a DNS name left to the caller. */
function dialled(params: unknown, dnsOk = true): string | undefined {
  const r = connect(params, { dnsOk });
  if (!r.ok) throw new Error(`unexpected error ${r.code} ${r.message}`);
  if (r.target === undefined) return undefined;
  return r.target.kind === 'name' ? `name ${r.target.name}:${r.target.port}` : formatDialAddress(r.target.address);
}

describe('error table (spec §1), exact code and message', () => {
  it.each([
    ['id missing (named)', { host: 'localhost' }],
    ['id missing (empty object)', {}],
    ['id missing (empty array)', []],
    ['id missing (positional null)', [null, 'localhost']],
    ['id missing (named null)', { id: null }],
  ])('%s → missing required parameter: id', (_n, params) => {
    expect(connect(params)).toEqual(err(-32602, 'missing required parameter: id'));
  });

  it.each([['a string', 'abc'], ['a number', 5], ['null', null], ['true', true], ['undefined', undefined]])(
    'params %s → Expected array or object for params',
    (_n, params) => {
      expect(connect(params)).toEqual(err(-32602, 'Expected array or object for params'));
    },
  );

  it('more than 3 positional params → too many parameters: got N, expected 3', () => {
    expect(connect([ID, 'localhost', 1234, 5])).toEqual(err(-32602, 'too many parameters: got 4, expected 3'));
    expect(connect([ID, null, null, null, null])).toEqual(err(-32602, 'too many parameters: got 5, expected 3'));
  });

  it('unknown named param x → unknown parameter: x + the -k hint', () => {
    expect(connect({ id: ID, x: 1 })).toEqual(err(-32602, `unknown parameter: x${UNKNOWN_TAIL}`));
    expect(connect({ x: 1, id: ID })).toEqual(err(-32602, `unknown parameter: x${UNKNOWN_TAIL}`));
  });

  it.each([
    ['bad@host', `'"bad@host"'`],
    ['bad', `'"bad"'`],
    [OFF_CURVE, `'"${OFF_CURVE}"'`],
    [`${OFF_CURVE}@localhost:1`, `'"${OFF_CURVE}@localhost:1"'`],
    ['04' + ID.slice(2), `'"04${ID.slice(2)}"'`],
    [ID + '0', `'"${ID}0"'`],
    ['', `'""'`],
    [`@${ID}`, `'"@${ID}"'`],
    [123, `'123'`],
    [{ a: 1 }, `'{"a":1}'`],
    [true, `'true'`],
  ])('bad node id %j → id: should be a node id: invalid token %s', (id, tok) => {
    const want = err(-32602, `id: should be a node id: invalid token ${tok}`);
    expect(connect([id])).toEqual(want);
    expect(connect({ id })).toEqual(want);
  });

  it('port = 0 → should be non-zero (number and string token)', () => {
    expect(connect([ID, 'localhost', 0])).toEqual(err(-32602, "port: should be non-zero: invalid token '0'"));
    expect(connect({ id: ID, host: 'localhost', port: '0' })).toEqual(err(-32602, `port: should be non-zero: invalid token '"0"'`));
  });

  it.each([
    ['abcd', `'"abcd"'`],
    [65536, `'65536'`],
    [-1, `'-1'`],
    [1.5, `'1.5'`],
    ['1.5', `'"1.5"'`],
    ['-1', `'"-1"'`],
    ['65536', `'"65536"'`],
    ['', `'""'`],
    [' 1', `'" 1"'`],
    [true, `'true'`],
    [[1], `'[1]'`],
    [{ p: 1 }, `'{"p":1}'`],
  ])('port %j → should be a 16-bit integer: invalid token %s', (port, tok) => {
    const want = err(-32602, `port: should be a 16-bit integer: invalid token ${tok}`);
    expect(connect([ID, 'localhost', port])).toEqual(want);
    expect(connect({ id: ID, host: 'localhost', port })).toEqual(want);
  });

  it('id@h and host both given → host conflict, in either order', () => {
    const want = err(-32602, "Can't specify host as both xxx@yyy and separate argument");
    expect(connect([`${ID}@localhost`, 'localhost'])).toEqual(want);
    expect(connect({ id: `${ID}@localhost`, host: 'other' })).toEqual(want);
    expect(connect({ host: 'other', id: `${ID}@localhost` })).toEqual(want);
    expect(connect({ host: '', id: `${ID}@` })).toEqual(want);
  });

  it('id@h:p and port both given → port conflict, in either order', () => {
    const want = err(-32602, "Can't specify port as both xxx@yyy:port and separate argument");
    expect(connect([`${ID}@localhost:1`, null, 2])).toEqual(want);
    expect(connect({ id: `${ID}@localhost:1`, port: 2 })).toEqual(want);
    expect(connect({ port: 2, id: `${ID}@localhost:1` })).toEqual(want);
    expect(connect({ port: 1, id: `${ID}@[::1]:1` })).toEqual(want);
  });

  it.each(['[::1', 'h:abc', 'h:0', 'h:65536', 'h:70000', '[::1]:x', 'h:-1'])(
    '@ part %s does not split → malformed host @part',
    (at) => {
      expect(connect([`${ID}@${at}`])).toEqual(err(-32602, 'malformed host @part'));
    },
  );

  it('port without host → Can\'t specify port without host', () => {
    const want = err(-32602, "Can't specify port without host");
    expect(connect([ID, null, 1234])).toEqual(want);
    expect(connect({ id: ID, port: 1234 })).toEqual(want);
    expect(connect({ id: ID, port: '1234' })).toEqual(want);
  });

  it.each([
    [[`${ID}@odpzvneidqdf5hdq.onion`], 'Host odpzvneidqdf5hdq.onion:19846 not valid: Invalid Tor address'],
    [[ID, 'aaa.onion', 1], 'Host aaa.onion:1 not valid: Invalid Tor address'],
    [[ID, '/' + 'a'.repeat(107)], `Host /${'a'.repeat(107)}:19846 not valid: Socket name too long`],
    [[ID, '[::1'], 'Host [::1:19846 not valid: Error parsing hostname'],
    [[ID, 'host:abc', 5], 'Host host:abc:5 not valid: Error parsing hostname'],
    [[ID, 'dns:1.2.3.4'], 'Host dns:1.2.3.4:19846 not valid: dns: must be followed by a name'],
    [[ID, `dns:${'a'.repeat(256)}`], `Host dns:${'a'.repeat(256)}:19846 not valid: DNS address too long`],
    [[ID, 'a'.repeat(256)], `Host ${'a'.repeat(256)}:19846 not valid: Name too long`],
    [[ID, 'ws:example.com'], 'Host ws:example.com:19846 not valid: Could not resolve websocket address'],
  ])('host does not parse %j → -1 %s', (params, message) => {
    expect(connect(params)).toEqual(err(-1, message));
  });

  it.each([
    [[`${ID}@`], 'Host :19846 not a simple type'],
    [[ID, ''], 'Host :19846 not a simple type'],
    [[ID, ':1234'], 'Host :1234:19846 not a simple type'],
    [[ID, ':1234', 5], 'Host :1234:5 not a simple type'],
    [[ID, 'autotor:127.0.0.1'], 'Host autotor:127.0.0.1:19846 not a simple type'],
    [[ID, 'statictor:127.0.0.1:9055'], 'Host statictor:127.0.0.1:9055:19846 not a simple type'],
  ])('host empty / listening-only %j → -1 %s', (params, message) => {
    expect(connect(params)).toEqual(err(-1, message));
  });
});

describe('duplicate json names (CLN json_param.c), via the raw request text', () => {
  it.each(['id', 'host', 'port'])('a repeated %s → duplicate json names: %s', (name) => {
    const values: Record<string, string> = { id: JSON.stringify(ID), host: '"localhost"', port: '1' };
    const text = `{"jsonrpc":"2.0","id":1,"method":"connect","params":{"id":${values['id']},"host":"localhost","port":1,"${name}":${values[name]}}}`;
    const entries = readParamsEntries(text);
    expect(entries).toBeInstanceOf(NamedParams);
    expect(connect(entries)).toEqual(err(-32602, `duplicate json names: ${name}`));
  });
  it('entries keep text order, so earlier errors win', () => {
    const entries = readParamsEntries(`{"params":{"port":0,"id":"x","id":"y"}}`);
    expect(connect(entries)).toEqual(err(-32602, "port: should be non-zero: invalid token '0'"));
  });
  it('reads nested values and escapes, ignores positional params and bad JSON', () => {
    expect(readParamsEntries(`{"params" : { "a\\"b" : "c,}d" , "e" : [1,{"f":"]"}] , "g": -1.5e3 }}`)?.entries).toEqual([
      ['a"b', 'c,}d'],
      ['e', [1, { f: ']' }]],
      ['g', -1500],
    ]);
    expect(readParamsEntries('{"params":[1,2]}')).toBeNull();
    expect(readParamsEntries('{"method":"connect"}')).toBeNull();
    expect(readParamsEntries('{"params":{"a":1}')).toBeNull();
    expect(readParamsEntries('[]')).toBeNull();
  });
  it('an accepted NamedParams behaves like the object', () => {
    expect(connect(new NamedParams([['id', `${ID}@localhost`], ['port', 1234]]))).toMatchObject({
      ok: true,
      target: { address: { type: 'ipv4', address: '127.0.0.1', port: 1234 } },
    });
  });
  it('never throws on arbitrary text, and agrees with JSON.parse on the last params', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), (params) => {
        const text = JSON.stringify({ method: 'connect', params });
        expect(Object.fromEntries(readParamsEntries(text)?.entries ?? [])).toEqual((JSON.parse(text) as { params: unknown }).params);
      }),
    );
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (t) => void readParamsEntries(t)));
  });
});

describe('order of checks (callbacks in array / key order, then the missing-id check)', () => {
  it('a bad id is reported before too many params', () => {
    expect(connect(['bad', 'h', 1, 2])).toEqual(err(-32602, `id: should be a node id: invalid token '"bad"'`));
  });
  it('named keys run in order: a bad port before a bad id', () => {
    expect(connect({ port: 0, id: 'bad' })).toEqual(err(-32602, "port: should be non-zero: invalid token '0'"));
    expect(connect({ id: 'bad', port: 0 })).toEqual(err(-32602, `id: should be a node id: invalid token '"bad"'`));
  });
  it('a bad port is reported before the missing id', () => {
    expect(connect({ port: 'x' })).toEqual(err(-32602, `port: should be a 16-bit integer: invalid token '"x"'`));
  });
  it('param errors (-32602) come before host errors (-1)', () => {
    expect(connect([ID, 'aaa.onion', 0])).toEqual(err(-32602, "port: should be non-zero: invalid token '0'"));
  });
});

describe('accepted forms (cln-reference §1.5, regtest 19846): what is dialled first', () => {
  it.each([
    ['connect <id>', [ID], undefined],
    ['connect <id> localhost', [ID, 'localhost'], '127.0.0.1:19846'],
    ['connect <id> localhost 1234', [ID, 'localhost', 1234], '127.0.0.1:1234'],
    ['named host+port', { id: ID, host: 'localhost', port: 1234 }, '127.0.0.1:1234'],
    ['named port as a digit string', { id: ID, host: 'localhost', port: '1234' }, '127.0.0.1:1234'],
    ['<id>@localhost + port=1234', { id: `${ID}@localhost`, port: 1234 }, '127.0.0.1:1234'],
    ['port=1234 + <id>@localhost', { port: 1234, id: `${ID}@localhost` }, '127.0.0.1:1234'],
    ['<id>@localhost:1234', [`${ID}@localhost:1234`], '127.0.0.1:1234'],
    ['<id>@[::1]:1234', [`${ID}@[::1]:1234`], '[::1]:1234'],
    ['<id>@[::1]', [`${ID}@[::1]`], '[::1]:19846'],
    ['<id>@::1', [`${ID}@::1`], '[::1]:19846'],
    ['<id>@::1:1234 is the IPv6 address ::1:1234', [`${ID}@::1:1234`], '[::1:1234]:19846'],
    ['host param "[::1]:1234"', [ID, '[::1]:1234'], '[::1]:1234'],
    ['embedded port wins over explicit port', [ID, '[::1]:1234', 5], '[::1]:1234'],
    ['embedded IPv4 port wins', [ID, '1.2.3.4:5', 6], '1.2.3.4:5'],
    ['connect <id> /path/sock', [ID, '/path/sock'], '/path/sock'],
    ['<id>@/path/sock', [`${ID}@/path/sock`], '/path/sock'],
    ['Tor v3', [ID, ONION], `${ONION}:19846`],
    ['dns:example.com', [ID, 'dns:example.com'], 'example.com:19846'],
    ['a plain name goes to the caller for DNS', [ID, 'example.com'], 'name example.com:19846'],
    ['id@foo..bar (DNS will fail later)', [`${ID}@foo..bar`], 'name foo..bar:19846'],
    ['id@a@b → host a@b', [`${ID}@a@b`], 'name a@b:19846'],
    ['ip6-localhost', [ID, 'ip6-localhost'], '[::1]:19846'],
    ['uppercase id accepted', [`${ID.toUpperCase()}@localhost`], '127.0.0.1:19846'],
  ])('%s', (_n, params, want) => {
    expect(dialled(params)).toBe(want);
  });

  it('the id is returned lowercase', () => {
    const r = connect([ID.toUpperCase()]);
    expect(r).toEqual({ ok: true, id: ID });
  });

  it('always-use-proxy: a name goes to the proxy unresolved; Tor and IPs unchanged', () => {
    expect(dialled([ID, 'example.com'], false)).toBe('example.com:19846');
    expect(connect([ID, 'example.com'], { dnsOk: false })).toMatchObject({
      target: { kind: 'address', address: { type: 'unresolved', address: 'example.com', port: 19846 } },
    });
    expect(dialled([ID, ONION], false)).toBe(`${ONION}:19846`);
    expect(dialled([ID, 'localhost'], false)).toBe('127.0.0.1:19846');
  });

  it('ok result carries the host text and port in effect (for a later DNS failure message)', () => {
    expect(connect([ID, 'foo:1234'])).toEqual({
      ok: true,
      id: ID,
      target: { kind: 'name', name: 'foo', port: 1234 },
      host: 'foo:1234',
      port: 19846,
    });
  });

  it.each(Object.entries(DEFAULT_PORTS))('default port on %s is %i', (network, port) => {
    expect(connect([ID, 'localhost'], { network: network as Network })).toMatchObject({
      target: { address: { type: 'ipv4', address: '127.0.0.1', port } },
    });
  });

  it('DEFAULT_PORTS are CLN chainparams', () => {
    expect(DEFAULT_PORTS).toEqual({ bitcoin: 9735, testnet: 19735, testnet4: 49735, signet: 39735, regtest: 19846 });
  });
});

describe('named-only timeout (lnconnect)', () => {
  it('accepts a positive number of seconds', () => {
    expect(parseConnectParams({ id: ID, timeout: 5 })).toEqual({ ok: true, value: { id: ID, timeoutSecs: 5 } });
    expect(parseConnectParams({ id: ID, timeout: 0.5 })).toEqual({ ok: true, value: { id: ID, timeoutSecs: 0.5 } });
    expect(parseConnectParams({ id: ID, timeout: '30' })).toEqual({ ok: true, value: { id: ID, timeoutSecs: 30 } });
  });
  it.each([[0, `'0'`], [-1, `'-1'`], ['x', `'"x"'`], [true, `'true'`]])('refuses %j', (t, tok) => {
    expect(parseConnectParams({ id: ID, timeout: t })).toEqual(
      err(-32602, `timeout: should be a positive number: invalid token ${tok}`),
    );
  });
  it('is not positional', () => {
    expect(parseConnectParams([ID, 'localhost', 1, 5])).toEqual(err(-32602, 'too many parameters: got 4, expected 3'));
  });
});

describe('library input (node.connect(id, host?, port?))', () => {
  it('a JS array with undefined holes', () => {
    expect(parseConnectParams([ID, undefined, undefined])).toEqual({ ok: true, value: { id: ID } });
    expect(parseConnectParams([ID, 'localhost', undefined])).toEqual({ ok: true, value: { id: ID, host: 'localhost' } });
    expect(parseConnectParams([`${ID}@localhost:1`])).toEqual({ ok: true, value: { id: ID, host: 'localhost', port: 1 } });
  });
  it('exotic values do not throw', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(parseConnectParams([10n])).toEqual(err(-32602, "id: should be a node id: invalid token '10'"));
    expect(parseConnectParams([cyclic]).ok).toBe(false);
    expect(parseConnectParams([Symbol('s')]).ok).toBe(false);
    expect(parseConnectParams([() => 1]).ok).toBe(false);
    expect(renderToken(undefined)).toBe('undefined');
  });
});

describe('properties', () => {
  const codes = new Set([-32602, -1]);
  function check(params: unknown, dnsOk: boolean): void {
    const p = parseConnectParams(params, 'regtest');
    if (!p.ok) {
      expect(p.code).toBe(-32602);
      expect(typeof p.message).toBe('string');
      return;
    }
    expect(p.value.id).toMatch(/^0[23][0-9a-f]{64}$/);
    const r = resolveConnectTarget(p.value, { network: 'regtest', dnsOk });
    if (!r.ok) expect(codes.has(r.code)).toBe(true);
  }
  it('arbitrary JSON params never throw', () => {
    fc.assert(fc.property(fc.jsonValue(), fc.boolean(), (v, d) => check(v, d)), { numRuns: 2000 });
  });
  it('arbitrary JS values never throw', () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withDate: true, withTypedArray: true, withSparseArray: true }), (v) => check(v, true)), { numRuns: 1000 });
  });
  it('id@<arbitrary string> with arbitrary host/port never throws', () => {
    const piece = fc.constantFrom('[', ']', ':', '/', '.', '@', 'dns:', 'ws:', '::1', 'localhost', '0', '1', '65535', '65536', '.onion', 'a');
    const tail = fc.oneof(fc.string({ maxLength: 40 }), fc.array(piece, { maxLength: 10 }).map((a) => a.join('')));
    const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
    fc.assert(
      fc.property(tail, opt(tail), opt(fc.oneof(fc.integer({ min: -2, max: 70000 }), fc.string({ maxLength: 6 }))), fc.boolean(), (t, h, p, d) => {
        check([`${ID}@${t}`, h, p], d);
        check({ port: p, host: h, id: `${ID}@${t}` }, d);
      }),
      { numRuns: 2000 },
    );
  });
  it('an accepted ConnectParams with a host always resolves or gives a -1 Host error', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), (host, port) => {
        const v: ConnectParams = port === undefined ? { id: ID, host } : { id: ID, host, port };
        const r = resolveConnectTarget(v, { network: 'bitcoin', dnsOk: true });
        if (!r.ok) {
          expect(r.code).toBe(-1);
          expect(r.message.startsWith(`Host ${host}:${port ?? 9735} not `)).toBe(true);
        }
      }),
    );
  });
});
