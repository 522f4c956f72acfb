/**
 * The one option parser under both programs, lnconnectd and lnconnect-cli:
 * Node's `util.parseArgs` in strict mode (`--opt=value` and `--opt value`,
 * short flags, grouped short flags, `--` ends the options). Its tokens are
 * returned in command-line order, so the caller lets the last of a repeated
 * option win and keeps repeatable ones in order, and its errors become the
 * texts the programs print (`unrecognized option '--x'`, `option '--x'
 * requires a value`, `unexpected argument 'x'`). Pure.
 */
import { parseArgs } from 'node:util';

/** One option of a program: what parseArgs needs, and its line in the usage text. */
export interface OptionRow {
  name: string;
  type: 'string' | 'boolean';
  short?: string;
  /** `DIR` in `--lightning-dir=DIR`; absent for flags. */
  valueName?: string;
  /** The usage text's description (lines after the first are indented under it); absent: not listed. */
  help?: string;
  /** A boolean that also takes `=true` / `=false` (lightningd's flags, in a config file too). */
  valuedFlag?: boolean;
}

/** One option as given: a string option's value, or a flag's `'true'` / `'false'`. */
export interface ArgToken {
  name: string;
  value: string;
}

export type ParsedTokens = { ok: true; options: ArgToken[]; positionals: string[] } | { ok: false; message: string };

type ParseArgsOptions = Record<string, { type: 'string' | 'boolean'; short?: string }>;

function config(rows: readonly OptionRow[]): ParseArgsOptions {
  const options: ParseArgsOptions = {};
  for (const r of rows) options[r.name] = r.short === undefined ? { type: r.type } : { type: r.type, short: r.short };
  return options;
}

/** parseArgs' error as the programs word it (the option's name is the first `-x` / `--xyz` in its message). */
function errorText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const quoted = /'([^']*)'/.exec(err.message)?.[1] ?? '';
  const name = /--[^\s',]+/.exec(quoted)?.[0] ?? /-[^\s',]+/.exec(quoted)?.[0] ?? quoted;
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unrecognized option '${quoted}'`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument '${quoted}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (err.message.includes('does not take an argument')) return `option '${name}' takes no value`;
      if (err.message.includes('ambiguous')) return `option '${name}' requires a value (write '${name}=-…' for one starting with '-')`;
      return `option '${name}' requires a value`;
    default:
      throw e;
  }
}

/**
 * `argv` parsed strictly against `rows`. A valued flag's `--flag=true` /
 * `--flag=false` is read here (parseArgs' booleans take no value); any other
 * value is an error naming the flag.
 */
export function parseTokens(argv: readonly string[], rows: readonly OptionRow[], allowPositionals: boolean): ParsedTokens {
  const valued = new Set(rows.filter((r) => r.valuedFlag === true).map((r) => r.name));
  const args = [...argv];
  const negated = new Set<number>();
  const end = args.indexOf('--');
  for (let i = 0; i < (end < 0 ? args.length : end); i++) {
    const m = /^--([^=]+)=(.*)$/s.exec(args[i] as string);
    if (m === null || !valued.has(m[1] as string)) continue;
    const [, name, v] = m as unknown as [string, string, string];
    if (v !== 'true' && v !== 'false') return { ok: false, message: `option '--${name}' takes no value or 'true'/'false', got '${v}'` };
    args[i] = `--${name}`;
    if (v === 'false') negated.add(i);
  }
  let parsed;
  try {
    parsed = parseArgs({ args, options: config(rows), strict: true, allowPositionals, tokens: true });
  } catch (e) {
    return { ok: false, message: errorText(e) };
  }
  const options: ArgToken[] = [];
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    options.push({ name: t.name, value: t.value ?? (negated.has(t.index) ? 'false' : 'true') });
  }
  return { ok: true, options, positionals: parsed.positionals };
}

/**
 * Where the first positional argument is (lnconnect-cli's method), read as
 * parseArgs reads the options before it (a string option's value is not a
 * positional); `argv.length` when there is none.
 */
export function firstPositional(argv: readonly string[], rows: readonly OptionRow[]): number {
  const { tokens } = parseArgs({ args: [...argv], options: config(rows), strict: false, allowPositionals: true, tokens: true });
  return tokens.find((t) => t.kind === 'positional')?.index ?? argv.length;
}

/**
 * The options as given, lenient (for looking up `--conf` and friends before
 * the strict parse): a value is undefined for a flag, or a string option given
 * none (the strict parse reports that).
 */
export function looseTokens(argv: readonly string[], rows: readonly OptionRow[]): { name: string; value: string | undefined }[] {
  const { tokens } = parseArgs({ args: [...argv], options: config(rows), strict: false, allowPositionals: true, tokens: true });
  const out: { name: string; value: string | undefined }[] = [];
  for (const t of tokens) if (t.kind === 'option') out.push({ name: t.name, value: t.value });
  return out;
}

/** The usage lines of `rows`: `  --name=VALUE` in a 29-column field, then the description. */
export function usageLines(rows: readonly OptionRow[]): string {
  const pad = ' '.repeat(31);
  let out = '';
  for (const r of rows) {
    if (r.help === undefined) continue;
    const syntax = `${r.short === undefined ? '' : `-${r.short}, `}--${r.name}${r.valueName === undefined ? '' : `=${r.valueName}`}`;
    const [first, ...rest] = r.help.split('\n');
    out += syntax.length < 29 ? `  ${syntax.padEnd(29)}${first}\n` : `  ${syntax}\n${pad}${first}\n`;
    for (const line of rest) out += `${pad}${line}\n`;
  }
  return out;
}
