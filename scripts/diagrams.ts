/**
 * `npm run diagrams`: writes one Markdown file per machine into diagrams/
 * with a Mermaid `stateDiagram-v2` generated from the machine definition
 * (`toDirectedGraph` from `xstate/graph`), so GitHub renders it.
 *
 * Nested states become composite states; transitions are labelled with their
 * event type, the guard in brackets, `after` delays by their names and
 * eventless (`always`) transitions as `always`. The output is deterministic:
 * test/machines/diagrams.test.ts fails when the committed files differ.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnyStateMachine } from 'xstate';
import { toDirectedGraph } from 'xstate/graph';
import type { DirectedGraphEdge, DirectedGraphNode } from 'xstate/graph';
import { peerMachine } from '../src/machines/peer.js';
import { supervisorMachine } from '../src/supervisor/supervisor.js';

interface DiagramSpec {
  file: string;
  title: string;
  source: string;
  about: string;
  machine: AnyStateMachine;
}

export const DIAGRAMS: readonly DiagramSpec[] = [
  {
    file: 'peer.md',
    title: 'Peer machine',
    source: 'src/machines/peer.ts',
    about: 'One peer and one connect attempt, as phase events from its session: resolving the dial list, staggered dialing, the BOLT 8 acts (one/two/three) and the BOLT 1 init under one timer, the peer_connected hook, the channel subdaemons, then the keepalive loop. Bytes never reach the machine.',
    machine: peerMachine,
  },
  {
    file: 'supervisor.md',
    title: 'Supervisor machine',
    source: 'src/supervisor/supervisor.ts',
    about: 'The one actor that owns cardinality: at most one peer actor per node id (peers are independent root actors it holds in Maps); every request and peer report is handled in `running`.',
    machine: supervisorMachine,
  },
];

type StateNodeLike = DirectedGraphNode['stateNode'];

/** A Mermaid id for a state node: its path below the machine, joined with `_`. */
function idOf(node: StateNodeLike): string {
  return node.path.length === 0 ? '[*]' : node.path.join('_');
}

function guardText(guard: unknown): string {
  if (guard === undefined) return '';
  if (typeof guard === 'string') return guard;
  // xstate's and()/or()/not() carry their operands: print them (`fromActive && hasHook`).
  const parts = (guard as { guards?: unknown[] }).guards;
  if (typeof guard === 'function' && Array.isArray(parts)) {
    const op = guard.name === 'or' ? ' || ' : ' && ';
    return guard.name === 'not' ? `!${parts.map(guardText).join('')}` : parts.map(guardText).join(op);
  }
  if (typeof guard === 'function') return guard.name === '' ? 'inline' : guard.name;
  if (typeof guard === 'object' && guard !== null && 'type' in guard) return String(guard.type);
  return 'guard';
}

/** The event part of a label: `after <delay>`, `always`, `done <actor>`, or the event type. */
function eventText(edge: DirectedGraphEdge): string {
  const type = String(edge.transition.eventType as unknown);
  if (type === '') return 'always';
  // `xstate.after.<delay>.<state id>`: named delays have no dots (numeric ones show as a number).
  const after = /^xstate\.after\.([^.]+)\./.exec(type);
  if (after !== null) return `after ${after[1] ?? ''}`;
  const done = /^xstate\.(done|error)\.actor\.(.+)$/.exec(type);
  if (done !== null) return `${done[1] === 'done' ? 'done' : 'error'} ${done[2] ?? ''}`;
  return type;
}

function labelOf(edge: DirectedGraphEdge): string {
  const g = guardText(edge.transition.guard);
  // Mermaid labels end at a line break; colons and brackets are fine after the first colon.
  return g === '' ? eventText(edge) : `${eventText(edge)} [${g}]`;
}

function collect(node: DirectedGraphNode, out: { lines: string[]; edges: string[]; notes: string[] }, depth: number): void {
  const pad = '  '.repeat(depth);
  const sn = node.stateNode;
  if (node.children.length > 0 && sn.path.length > 0) out.lines.push(`${pad}state ${idOf(sn)} {`);
  const inner = sn.path.length > 0 && node.children.length > 0 ? depth + 1 : depth;
  const ipad = '  '.repeat(inner);
  if (node.children.length > 0) {
    const initial = sn.initial?.target[0];
    if (initial !== undefined) out.lines.push(`${ipad}[*] --> ${idOf(initial)}`);
    for (const child of node.children) {
      if (child.children.length === 0) out.lines.push(`${ipad}${idOf(child.stateNode)}`);
      collect(child, out, inner);
      if (child.stateNode.type === 'final') out.lines.push(`${ipad}${idOf(child.stateNode)} --> [*]`);
    }
  }
  if (node.children.length > 0 && sn.path.length > 0) out.lines.push(`${pad}}`);
  for (const edge of node.edges) {
    if (sn.path.length === 0) {
      // Transitions of the machine itself apply in every state.
      if (edge.transition.target !== undefined && edge.target !== sn) {
        out.notes.push(`note left of ${idOf(edge.target)}: ${labelOf(edge)} from any state`);
      }
      continue;
    }
    out.edges.push(`${idOf(sn)} --> ${idOf(edge.target)}: ${labelOf(edge)}`);
  }
  // toDirectedGraph leaves out eventless transitions: draw them from the node's `always` list.
  for (const t of (sn as { always?: { target?: readonly StateNodeLike[]; guard?: unknown }[] }).always ?? []) {
    for (const target of t.target ?? [sn]) {
      const g = guardText(t.guard);
      out.edges.push(`${idOf(sn)} --> ${idOf(target)}: ${g === '' ? 'always' : `always [${g}]`}`);
    }
  }
}

/** The Mermaid `stateDiagram-v2` text of one machine. */
export function mermaidOf(machine: AnyStateMachine): string {
  const graph = toDirectedGraph(machine);
  const out = { lines: [] as string[], edges: [] as string[], notes: [] as string[] };
  collect(graph, out, 1);
  return ['stateDiagram-v2', ...out.lines, ...out.edges.map((e) => `  ${e}`), ...out.notes.map((n) => `  ${n}`)].join('\n');
}

/** File name → Markdown text, for every machine. */
export function generateDiagrams(): Map<string, string> {
  const files = new Map<string, string>();
  for (const d of DIAGRAMS) {
    const text = [
      `# ${d.title}`,
      '',
      `${d.about} Generated from \`${d.source}\` by \`npm run diagrams\`; do not edit by hand (a test fails when this file is stale). Transitions without a target (actions only) are drawn as self-loops; the machine's own transitions are notes.`,
      '',
      '```mermaid',
      mermaidOf(d.machine),
      '```',
      '',
    ].join('\n');
    files.set(d.file, text);
  }
  return files;
}

export const DIAGRAMS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'diagrams');

async function main(): Promise<void> {
  await mkdir(DIAGRAMS_DIR, { recursive: true });
  for (const [file, text] of generateDiagrams()) {
    await writeFile(join(DIAGRAMS_DIR, file), text);
    console.log(`wrote diagrams/${file}`);
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
}
