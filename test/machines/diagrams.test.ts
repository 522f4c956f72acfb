/**
 * The committed diagrams (diagrams/*.md) must be what the machines generate
 * now (scripts/diagrams.ts): a changed machine needs `npm run diagrams`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGRAMS_DIR, generateDiagrams, mermaidOf } from '../../scripts/diagrams.js';
import { handshakeMachine } from '../../src/machines/handshake.js';

describe('diagrams', () => {
  const files = generateDiagrams();

  it('one file per machine: handshake, peer, supervisor', () => {
    expect([...files.keys()]).toEqual(['handshake.md', 'peer.md', 'supervisor.md']);
  });

  for (const [file, text] of files) {
    it(`diagrams/${file} is up to date`, async () => {
      const committed = await readFile(join(DIAGRAMS_DIR, file), 'utf8').catch(() => '(missing)');
      expect(committed === text, `diagrams/${file} is stale or missing: run \`npm run diagrams\` and commit the result`).toBe(true);
    });
  }

  it('is deterministic and shows guards, named delays, finals and nesting', () => {
    expect(generateDiagrams()).toEqual(files);
    const peer = files.get('peer.md') ?? '';
    expect(peer).toContain('```mermaid\nstateDiagram-v2\n');
    expect(peer).toContain('dialing --> dialing: after dialStagger [hasPendingEntry]');
    expect(peer).toContain('open --> afterFailure: after handshakeTimeout');
    expect(peer).toContain('state open {');
    expect(peer).toContain('failed --> [*]');
    expect(mermaidOf(handshakeMachine)).toContain('start --> sendingActOne: always [isInitiator]');
  });
});
