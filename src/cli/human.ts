/**
 * lnconnect-cli's `-H` output, as lightning-cli prints it (cli/lightning-cli.c
 * `human_readable`, `human_help`): strings without quotes (`\n` and `\t`
 * turned into newline and tab, other escapes dropped), one line per
 * `key=value`, array items one per line, an object of a single field shown
 * as its value; and the `help` list sorted by command and followed by a
 * pointer to `help <command>`. Pure: returns the text.
 */

/** A JSON string's content as lightning-cli prints the raw token. */
function unescape(s: string): string {
  const token = JSON.stringify(s).slice(1, -1);
  let out = '';
  for (let i = 0; i < token.length; i++) {
    const c = token.charAt(i);
    if (c === '\\' && i + 1 < token.length) {
      const next = token.charAt(i + 1);
      i++;
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      continue;
    }
    out += c;
  }
  return out;
}

function human(v: unknown, term: string): string {
  if (typeof v === 'string') return unescape(v) + term;
  if (v === null || typeof v !== 'object') return JSON.stringify(v) + term;
  if (Array.isArray(v)) return v.map((x) => human(x, '\n')).join('');
  const entries = Object.entries(v as Record<string, unknown>);
  if (entries.length === 1) return human(entries[0]?.[1], '\n');
  return entries.map(([k, x]) => human(k, '=') + human(x, '\n')).join('');
}

/** `-H`: the result in lightning-cli's human-readable form. */
export function humanReadable(result: unknown): string {
  return human(result, '\n');
}

/** The `help` list (no command given): one command per paragraph, sorted, then how to get more. */
export function humanHelp(result: unknown): string {
  const list = (result as { help?: { command?: unknown }[] }).help ?? [];
  const commands = list.map((e) => String(e.command)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `${commands.map((c) => `${unescape(c)}\n\n`).join('')}---\nrun \`lnconnect-cli help <command>\` for more information on a specific command\n`;
}

export type OutputFormat = 'json' | 'human' | 'helplist';

/**
 * lightning-cli's choice of format: an explicit -H or -J wins (-H hides
 * `format-hint`); otherwise `help` with no command is the list, and a
 * result with `format-hint: simple` is human-readable. The hint is removed
 * from the result except under an explicit -J.
 */
export function chooseFormat(result: unknown, method: string, params: unknown, asked: 'json' | 'human' | undefined): { format: OutputFormat; result: unknown } {
  const hinted = typeof result === 'object' && result !== null && !Array.isArray(result) && 'format-hint' in result;
  const strip = (): unknown => {
    if (!hinted) return result;
    const { ['format-hint']: _hint, ...rest } = result as Record<string, unknown>;
    return rest;
  };
  if (asked === 'json') return { format: 'json', result };
  if (asked === 'human') return { format: 'human', result: strip() };
  const noCommand = Array.isArray(params) ? params.length === 0 : Object.keys(params as object).length === 0;
  if (method === 'help' && noCommand) return { format: 'helplist', result };
  const simple = hinted && (result as Record<string, unknown>)['format-hint'] === 'simple';
  return { format: simple ? 'human' : 'json', result: strip() };
}
