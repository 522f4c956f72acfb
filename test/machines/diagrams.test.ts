/**
 * The committed diagrams (diagrams/*.md) must be what the machines generate
 * now (scripts/diagrams.ts): a changed machine needs `npm run diagrams`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGRAMS_DIR, generateDiagrams, mermaidOf } from '../../scripts/diagrams.js';
import { peerMachine } from '../../src/machines/peer.js';

describe('diagrams', () => {
  const files = generateDiagrams();

  it('one file per machine: peer, supervisor', () => {
    expect([...files.keys()]).toEqual(['peer.md', 'supervisor.md']);
  });

  for (const [file, text] of files) {
    it(`diagrams/${file} is up to date`, async () => {
      const committed = await readFile(join(DIAGRAMS_DIR, file), 'utf8').catch(() => '(missing)');
      expect(committed === text, `diagrams/${file} is stale or missing: run \`npm run diagrams\` and commit the result`).toBe(true);
    });
  }

  it('is deterministic and shows guards, named timers, finals and nesting', () => {
    expect(generateDiagrams()).toEqual(files);
    const peer = files.get('peer.md') ?? '';
    expect(peer).toContain('```mermaid\nstateDiagram-v2\n');
    expect(peer).toContain('dialing --> dialing: timer.dialStagger [hasPendingEntry]');
    expect(peer).toContain('open --> afterFailure: timer.handshakeTimeout');
    expect(peer).toContain('state open {');
    expect(peer).toContain('failed --> [*]');
    // The BOLT 8 acts stay visible as states, driven by phase events only (no byte events).
    expect(mermaidOf(peerMachine)).toContain('open_awaitingActOne --> open_awaitingActThree: act1.received [fromActive]');
    expect(peer).toContain('open_awaitingActTwo --> open_init: act2.received [fromActive]');
    expect(peer).not.toMatch(/conn\.data|wire\.message|conn\.read|conn\.write/);
  });
});
