import { describe, expect, it } from 'vitest';
import { capEcho } from '../../src/rpc/echo.js';
import { encodeError, encodeResult, parseRequest } from '../../src/rpc/jsonrpc.js';

describe('parseRequest', () => {
  it('accepts a JSON-RPC 2.0 request', () => {
    expect(parseRequest('{"jsonrpc":"2.0","id":7,"method":"getinfo","params":[]}')).toEqual({
      ok: true,
      request: { id: 7, method: 'getinfo', params: [] },
    });
  });

  const J = '"jsonrpc":"2.0",';
  it.each([
    ['{"id":1,"method":', -32700, null, undefined],
    ['[1,2]', -32600, null, 'Expected {} for json command'],
    ['42', -32600, null, 'Expected {} for json command'],
    ['{"jsonrpc":"2.0","method":"getinfo","params":[]}', -32600, null, 'No id'],
    ['{"jsonrpc":"2.0","id":{},"method":"getinfo","params":[]}', -32600, null, 'Expected string/primitive for id'],
    ['{"id":2,"method":"getinfo","params":[]}', -32600, null, 'jsonrpc: "2.0" must be specified in the request'],
    ['{"jsonrpc":"1.0","id":2,"method":"getinfo","params":[]}', -32600, null, 'jsonrpc: "2.0" must be specified in the request'],
    ['{"jsonrpc":2,"id":2,"method":"getinfo","params":[]}', -32600, null, 'jsonrpc: "2.0" must be specified in the request'],
    [`{${J}"id":1}`, -32600, 1, 'No method'],
    [`{${J}"id":1,"method":"getinfo"}`, -32600, 1, 'No params'],
    [`{${J}"id":"x","method":5,"params":[]}`, -32600, 'x', 'Expected string for method'],
    [`{${J}"id":"${'x'.repeat(1025)}","method":"getinfo","params":[]}`, -32600, null, 'Invalid request: id longer than 1024 characters'],
  ])('%s → %i (Core Lightning\'s texts)', (text, code, id, message) => {
    const r = parseRequest(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.id).toBe(id);
      if (message !== undefined) expect(r.error.message).toBe(message);
    }
  });
});

describe('bounded echoes', () => {
  it('an id is echoed up to 1024 characters, a longer one is an invalid request', () => {
    expect(parseRequest(`{"jsonrpc":"2.0","id":"${'x'.repeat(1024)}","method":"m","params":[]}`).ok).toBe(true);
    const r = parseRequest(`{"jsonrpc":"2.0","id":"${'x'.repeat(15_000_000)}","method":"m","params":[]}`);
    expect(r).toEqual({ ok: false, id: null, error: { code: -32600, message: 'Invalid request: id longer than 1024 characters' } });
  });

  it('a parse error quotes at most 200 characters', () => {
    const r = parseRequest('{"id":' + 'x'.repeat(100_000) + '}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message.length).toBeLessThanOrEqual('Parse error: '.length + 201);
  });

  it('capEcho: 100 characters then …, never half a surrogate pair', () => {
    expect(capEcho('a'.repeat(100))).toBe('a'.repeat(100));
    expect(capEcho('a'.repeat(101))).toBe(`${'a'.repeat(100)}…`);
    expect(capEcho(`${'a'.repeat(99)}😀b`)).toBe(`${'a'.repeat(99)}…`);
  });
});

describe('encoding', () => {
  it('terminates responses with a blank line, jsonrpc and id first', () => {
    expect(encodeResult('a', { x: 1 })).toBe('{"jsonrpc":"2.0","id":"a","result":{"x":1}}\n\n');
    expect(encodeError(null, { code: -32700, message: 'm' })).toBe('{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"m"}}\n\n');
    expect(encodeError(3, { code: 401, message: 'm', data: { attempts: [] } })).toBe(
      '{"jsonrpc":"2.0","id":3,"error":{"code":401,"message":"m","data":{"attempts":[]}}}\n\n',
    );
  });
});
