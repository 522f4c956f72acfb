/**
 * Packaging (issue 13, item 8): the MIT LICENSE package.json names is
 * shipped, every file the README links to is in the package (`npm pack`'s
 * list), the declarations do not point readers at files the package does
 * not ship (spec documents, tests, bench or scripts; a `src/…` name must be a
 * module that exists, shipped compiled under dist/ with its text in the source
 * map), and the source maps carry their sources (`inlineSources`), so a stack
 * trace or debugger shows lnconnect's code without the src/ directory.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

function packedFiles(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root }, (err, stdout) => {
      if (err !== null) return reject(new Error(`npm pack: ${err.message}`));
      const [pack] = JSON.parse(stdout) as { files: { path: string }[] }[];
      resolve((pack?.files ?? []).map((f) => f.path));
    });
  });
}

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await sources(p)));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('the npm package', () => {
  it('ships LICENSE (MIT, as package.json says), README and every file the README links to', async () => {
    const files = await packedFiles();
    const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { license: string };
    expect(pkg.license).toBe('MIT');
    expect((await readFile(join(root, 'LICENSE'), 'utf8')).startsWith('MIT License\n')).toBe(true);
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
    const readme = await readFile(join(root, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1] as string).filter((l) => !/^[a-z]+:/.test(l));
    expect(links.length).toBeGreaterThan(0);
    for (const l of links) expect(files).toContain(l);
  }, 30_000);

  it('comments (what the declarations carry) name no file the package does not ship', async () => {
    const offenders: string[] = [];
    for (const f of await sources(join(root, 'src'))) {
      const rel = relative(root, f);
      const text = await readFile(f, 'utf8');
      for (const m of text.matchAll(/(?<![\w./-])(?:(?:test|bench|scripts|docs|shared)\/[\w./-]+|[\w./-]+\.md\b)/g)) {
        if (m[0] !== 'README.md') offenders.push(`${rel}: ${m[0]}`);
      }
      for (const m of text.matchAll(/(?<![\w./-])src\/[\w./-]*[\w-]/g)) {
        if (!existsSync(join(root, m[0]))) offenders.push(`${rel}: ${m[0]} (no such module)`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the build's source maps carry their sources (inlineSources)", async () => {
    const config = ts.getParsedCommandLineOfConfigFile(join(root, 'tsconfig.build.json'), {}, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    });
    if (config === undefined) throw new Error('tsconfig.build.json not read');
    expect(config.options.sourceMap).toBe(true);
    const fileName = join(root, 'src', 'index.ts');
    const text = await readFile(fileName, 'utf8');
    const out = ts.transpileModule(text, { compilerOptions: config.options, fileName });
    const map = JSON.parse(out.sourceMapText ?? '{}') as { sources?: string[]; sourcesContent?: string[] };
    expect(map.sources).toEqual(['../src/index.ts']);
    expect(map.sourcesContent).toEqual([text]);
  });
});
