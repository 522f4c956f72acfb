import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameTooLargeError, JsonStreamScanner, encodeError, encodeResult, parseRequest } from '../../src/rpc/jsonrpc.js';

const enc = (s: string) => Buffer.from(s, 'utf8');

describe('JsonStreamScanner', () => {
  it('splits objects written back to back, with or without whitespace', () => {
    const s = new JsonStreamScanner();
    const frames = s.push(enc('{"a":1}{"b":[2,{"c":3}]}\n\n  {"d":"}"}'));
    expect(frames).toEqual([
      { kind: 'json', text: '{"a":1}' },
      { kind: 'json', text: '{"b":[2,{"c":3}]}' },
      { kind: 'json', text: '{"d":"}"}' },
    ]);
    expect(s.pending).toBe(0);
  });

  it('ignores brackets and escaped quotes inside strings', () => {
    const s = new JsonStreamScanner();
    const text = '{"m":"a \\" { [ } ] \\\\","n":"\\\\"}';
    expect(s.push(enc(text))).toEqual([{ kind: 'json', text }]);
  });

  it('reassembles a request fed one byte at a time, multi-byte UTF-8 included', () => {
    const s = new JsonStreamScanner();
    const text = '{"jsonrpc":"2.0","id":"é€😀","method":"getinfo","params":{"x":"}{"}}';
    const bytes = enc(text + text);
    const out: string[] = [];
    for (const b of bytes) for (const f of s.push(Uint8Array.of(b))) out.push(f.text);
    expect(out).toEqual([text, text]);
  });

  it('any chunking of a stream gives the same frames (property)', () => {
    const values = fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(values, fc.array(fc.nat(), { maxLength: 10 }), (objs, cuts) => {
        const texts = objs.map((o) => JSON.stringify(o));
        const bytes = enc(texts.join(' '));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const s = new JsonStreamScanner();
        const got: string[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          for (const f of s.push(bytes.subarray(prev, p))) got.push(f.text);
          prev = p;
        }
        expect(got).toEqual(texts);
      }),
    );
  });

  it('reports stray top-level text as garbage and keeps going', () => {
    const s = new JsonStreamScanner();
    expect(s.push(enc('hello {"a":1} 42 '))).toEqual([
      { kind: 'garbage', text: 'hello' },
      { kind: 'json', text: '{"a":1}' },
      { kind: 'garbage', text: '42' },
    ]);
    expect(s.push(enc('tail'))).toEqual([]);
    expect(s.end()).toEqual([{ kind: 'garbage', text: 'tail' }]);
  });

  it('throws past the buffer bound and recovers afterwards', () => {
    const s = new JsonStreamScanner(100);
    expect(() => s.push(enc('{"a":"' + 'x'.repeat(200)))).toThrow(FrameTooLargeError);
    expect(s.push(enc('{"b":2}'))).toEqual([{ kind: 'json', text: '{"b":2}' }]);
  });

  it('keeps only the unfinished tail buffered', () => {
    const s = new JsonStreamScanner();
    s.push(enc('{"a":1}{"b":'));
    expect(s.pending).toBe('{"b":'.length);
  });
});

describe('parseRequest', () => {
  it('accepts a JSON-RPC 2.0 request', () => {
    expect(parseRequest('{"jsonrpc":"2.0","id":7,"method":"getinfo","params":[]}')).toEqual({
      ok: true,
      request: { id: 7, method: 'getinfo', params: [] },
    });
  });

  it.each([
    ['{"id":1,"method":', -32700, null],
    ['[1,2]', -32600, null],
    ['42', -32600, null],
    ['{"id":1}', -32600, 1],
    ['{"id":"x","method":5}', -32600, 'x'],
    ['{"id":{},"method":"getinfo"}', -32600, null],
    ['{"jsonrpc":"1.0","id":2,"method":"getinfo"}', -32600, 2],
    ['{"jsonrpc":"2.0","method":"getinfo"}', -32600, null],
  ])('%s → %i', (text, code, id) => {
    const r = parseRequest(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.id).toBe(id);
    }
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
