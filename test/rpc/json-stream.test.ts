import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GARBAGE_KEEP_BYTES, JsonStreamScanner } from '../../src/rpc/json-stream.js';
import type { Frame } from '../../src/rpc/json-stream.js';

const enc = (s: string) => Buffer.from(s, 'utf8');
const texts = (frames: Frame[]) => frames.map((f) => ('text' in f ? f.text : f.kind));

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
    const out: string[] = [];
    for (const b of enc(text + text)) out.push(...texts(s.push(Uint8Array.of(b))));
    expect(out).toEqual([text, text]);
  });

  it('any chunking of a stream gives the same frames (property)', () => {
    const values = fc.array(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 5 })), { minLength: 1, maxLength: 5 });
    fc.assert(
      fc.property(values, fc.array(fc.nat(), { maxLength: 10 }), (objs, cuts) => {
        const want = objs.map((o) => JSON.stringify(o));
        const bytes = enc(want.join(' '));
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const s = new JsonStreamScanner();
        const got: string[] = [];
        let prev = 0;
        for (const p of [...points, bytes.length]) {
          got.push(...texts(s.push(bytes.subarray(prev, p))));
          prev = p;
        }
        expect(got).toEqual(want);
      }),
    );
  });

  it('reports stray top-level text as garbage, word by word, as soon as it arrives', () => {
    const s = new JsonStreamScanner();
    expect(s.push(enc('hello {"a":1} 42 '))).toEqual([
      { kind: 'garbage', text: 'hello' },
      { kind: 'json', text: '{"a":1}' },
      { kind: 'garbage', text: '42' },
    ]);
    expect(s.push(enc('ta'))).toEqual([{ kind: 'garbage', text: 'ta' }]);
    expect(s.push(enc('il'))).toEqual([]); // the rest of the word
    expect(s.push(enc(' {}'))).toEqual([{ kind: 'json', text: '{}' }]);
  });

  it('keeps at most GARBAGE_KEEP_BYTES of a garbage word, reported once, however long', () => {
    const s = new JsonStreamScanner();
    const frames: Frame[] = [];
    for (let i = 0; i < 64; i++) {
      frames.push(...s.push(enc('x'.repeat(64 * 1024))));
      expect(s.pending).toBeLessThan(GARBAGE_KEEP_BYTES);
    }
    expect(frames).toEqual([{ kind: 'garbage', text: 'x'.repeat(GARBAGE_KEEP_BYTES) }]);
    expect(s.push(enc(' {"a":1}'))).toEqual([{ kind: 'json', text: '{"a":1}' }]);
  });

  it('past the byte bound: one too-large frame after the good ones, then nothing', () => {
    const s = new JsonStreamScanner(100);
    expect(s.push(enc('{"ok":1} {"a":"' + 'x'.repeat(200)))).toEqual([
      { kind: 'json', text: '{"ok":1}' },
      { kind: 'too-large', limit: 100 },
    ]);
    expect(s.failed).toBe(true);
    expect(s.pending).toBe(0);
    expect(s.push(enc('{"b":2}'))).toEqual([]);
    s.end();
    expect(s.push(enc('{"b":2}'))).toEqual([]);
  });

  it('a frame over the bound is too large even when it completes in one chunk', () => {
    const s = new JsonStreamScanner(10);
    expect(s.push(enc('{"a":"0123456789"}'))).toEqual([{ kind: 'too-large', limit: 10 }]);
  });

  it('100k nested brackets: one too-deep frame, nothing buffered, no recursion', () => {
    const s = new JsonStreamScanner();
    expect(s.push(enc('['.repeat(100_000)))).toEqual([{ kind: 'too-deep', limit: 256 }]);
    expect(s.pending).toBe(0);
    const ok = new JsonStreamScanner(undefined, 3);
    expect(texts(ok.push(enc('[[[1]]]')))).toEqual(['[[[1]]]']);
    expect(ok.push(enc('[[[[1]]]]'))).toEqual([{ kind: 'too-deep', limit: 3 }]);
  });

  it('keeps only the unfinished tail buffered', () => {
    const s = new JsonStreamScanner();
    s.push(enc('{"a":1}{"b":'));
    expect(s.pending).toBe('{"b":'.length);
  });

  it('a 16 MiB request in 1 KiB chunks is scanned in linear time (a quadratic scan would not finish)', () => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"x","params":["' + 'a'.repeat(16 * 1024 * 1024 - 100) + '"]}';
    const bytes = enc(body);
    const s = new JsonStreamScanner();
    const got: Frame[] = [];
    for (let i = 0; i < bytes.length; i += 1024) got.push(...s.push(bytes.subarray(i, i + 1024)));
    expect(got).toHaveLength(1);
    expect(got[0]?.kind === 'json' && got[0].text.length).toBe(body.length);
  }, 20_000);
});
