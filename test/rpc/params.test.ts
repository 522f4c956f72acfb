import { describe, expect, it } from 'vitest';
import { bindParams, findDuplicateParamKey, parseBool, parseNodeId } from '../../src/rpc/params.js';
import { nodeIdFor } from './fake-node.js';

describe('bindParams (Core Lightning json_param texts)', () => {
  const names = ['id', 'force'];
  it('binds positional params, JSON null meaning not given', () => {
    const b = bindParams(['x', null], names, ['id']);
    expect(b.ok && [...b.values]).toEqual([['id', 'x']]);
  });
  it('binds named params', () => {
    const b = bindParams({ force: true, id: 'x' }, names, ['id']);
    expect(b.ok && Object.fromEntries(b.values)).toEqual({ id: 'x', force: true });
  });
  it.each([
    [['a', 'b', 'c'], 'too many parameters: got 3, expected 2'],
    [{ id: 'x', bogus: 1 }, 'unknown parameter: bogus, this may be caused by a failure to autodetect key=value-style parameters. Please try using the -k flag and explicit key=value pairs of parameters.'],
    ['id', 'Expected array or object for params'],
    [[], 'missing required parameter: id'],
    [[null], 'missing required parameter: id'],
    [{}, 'missing required parameter: id'],
  ])('%j → %s', (params, message) => {
    expect(bindParams(params, names, ['id'])).toEqual({ ok: false, error: { code: -32602, message } });
  });
  it('treats absent params as none', () => {
    expect(bindParams(undefined, [], []).ok).toBe(true);
  });
});

describe('parseNodeId / parseBool', () => {
  it('accepts a valid point in any case and returns it lowercased', () => {
    const id = nodeIdFor(2);
    expect(parseNodeId(id.toUpperCase())).toBe(id);
  });
  it('rejects a non-point, wrong length, wrong prefix, non-string', () => {
    expect(parseNodeId('02' + 'ff'.repeat(32))).toBeUndefined();
    expect(parseNodeId(nodeIdFor(2).slice(0, 64))).toBeUndefined();
    expect(parseNodeId('04' + nodeIdFor(2).slice(2))).toBeUndefined();
    expect(parseNodeId(5)).toBeUndefined();
  });
  it('bools as CLN: true/false or their strings', () => {
    expect([parseBool(true), parseBool('false'), parseBool('yes'), parseBool(1)]).toEqual([true, false, undefined, undefined]);
  });
});

describe('findDuplicateParamKey', () => {
  it('finds a key repeated in the params object', () => {
    expect(findDuplicateParamKey('{"id":1,"method":"connect","params":{"id":"a","host":"{\\"x","id":"b"}}')).toBe('id');
  });
  it('ignores repeats nested deeper or outside params, and positional params', () => {
    expect(findDuplicateParamKey('{"id":1,"params":{"a":{"x":1,"x":2},"b":[{"y":1},{"y":2}]},"method":"m"}')).toBeUndefined();
    expect(findDuplicateParamKey('{"params":["a","a"],"method":"m","id":1}')).toBeUndefined();
    expect(findDuplicateParamKey(' { "method" : "m" , "params" : { "k" : 1 , "k" : 2 } , "id" : 1 }')).toBe('k');
  });
});
