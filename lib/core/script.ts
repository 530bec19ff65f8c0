// Scripts our pods run, kept as real files next to their system (checked by shellcheck and python3 -m py_compile in
// npm test) and embedded into the YAML at synth by the construct that runs them.
//
// A script file is a shell (or python) file whose leading comment block (shebang, then `#` lines, up to the first
// line of code) documents it and is left out of the YAML; the rest is the script. Values the construct knows at
// synth are placeholders `__NAME__` (upper case: a valid word in shell and a valid name in python, so the file is
// checked as it is): render() replaces every one, refuses an unknown or unused one, and refuses a value that could
// leave its place in the script (quotes, `$`, backquotes, `;`, `&`, `|`, redirections, newlines).
import * as fs from 'fs';
import * as path from 'path';

/** A value whose text is JSON (e.g. a map for a python script), allowed `"`, `{` and `}` but never `'` or a newline. */
export class JsonParam {
  constructor(public readonly value: unknown) {}
}

/** A script embedded in another one inside single quotes (`python3 -c '...'`): anything but `'`. */
export class EmbeddedScript {
  constructor(public readonly text: string) {}
}

/** What a placeholder may be replaced with: text and numbers (lists are joined with spaces). */
export type ScriptParam = string | number | readonly string[] | JsonParam | EmbeddedScript;

/** Characters a plain value may hold: names, paths, addresses, numbers, charsets, globs. */
const SAFE_VALUE = /^[A-Za-z0-9 ._:/=+,@%*[\]-]*$/;
const PLACEHOLDER = /__([A-Z][A-Z0-9_]*?)__/g;

/** Every script file rendered in this process (absolute paths), for the test that lints every emitted script. */
const rendered = new Set<string>();

/** The script files rendered so far in this process (for tests: every file must be exercised). */
export function renderedScriptFiles(): string[] {
  return [...rendered].sort();
}

/** A script file next to the code that embeds it. */
export class ScriptFile {
  private static readonly cache = new Map<string, string>();

  /** The file `name` in `dir` (the caller's `__dirname`: the script ships next to the compiled JavaScript). */
  public static at(dir: string, name: string): ScriptFile {
    return new ScriptFile(path.join(dir, name));
  }

  private constructor(public readonly file: string) {}

  /** The script as the YAML embeds it: the file without its leading comment block and its final newline. */
  public get body(): string {
    let text = ScriptFile.cache.get(this.file);
    if (text === undefined) {
      const lines = fs.readFileSync(this.file, 'utf-8').split('\n');
      let first = 0;
      while (first < lines.length && (lines[first].startsWith('#') || lines[first].trim() === '')) first++;
      text = lines.slice(first).join('\n').replace(/\n$/, '');
      ScriptFile.cache.set(this.file, text);
    }
    return text;
  }

  /** The body with every `__NAME__` replaced by `params[NAME]`. */
  public render(params: { [name: string]: ScriptParam } = {}): string {
    const used = new Set<string>();
    const out = this.body.replace(PLACEHOLDER, (_, name: string) => {
      if (!(name in params)) throw new Error(`${this.file}: no value for __${name}__`);
      used.add(name);
      return textOf(this.file, name, params[name]);
    });
    const unused = Object.keys(params).filter((n) => !used.has(n));
    if (unused.length > 0) throw new Error(`${this.file}: no placeholder for ${unused.join(', ')}`);
    rendered.add(this.file);
    return out;
  }
}

function textOf(file: string, name: string, value: ScriptParam): string {
  if (value instanceof JsonParam) {
    const text = JSON.stringify(value.value);
    if (/['\n`\\]/.test(text)) throw new Error(`${file}: __${name}__: JSON with a quote, backslash or newline: ${text}`);
    return text;
  }
  if (value instanceof EmbeddedScript) {
    if (value.text.includes('\'')) throw new Error(`${file}: __${name}__: an embedded script may not contain '`);
    return value.text;
  }
  const text = Array.isArray(value) ? value.join(' ') : String(value);
  if (!SAFE_VALUE.test(text)) throw new Error(`${file}: __${name}__: unsafe value ${JSON.stringify(text)}`);
  return text;
}
