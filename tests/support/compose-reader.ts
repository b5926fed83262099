import { readFileSync } from 'node:fs';

/**
 * A reader for the small YAML subset docker-compose.yml is kept to, so the compose test needs no
 * YAML dependency: block mappings, block sequences (of scalars), plain / "double" / 'single' quoted
 * scalars, `{}` / `[]` as empty collections, and # comments. Anything else (anchors, aliases, tags,
 * flow collections with content, block scalars, multi-line scalars, tabs, duplicate keys, mappings
 * inside sequences) is rejected with its line number rather than misread: if the compose file grows
 * beyond the subset, the test says so instead of checking something else.
 *
 * Scalars are returned as written (strings, no YAML 1.1 typing), which is how the test compares
 * them anyway: environment values are strings to the services.
 */
export type ComposeValue = string | null | ComposeValue[] | { [key: string]: ComposeValue };
export type ComposeMap = { [key: string]: ComposeValue };

interface Line {
  no: number;
  indent: number;
  text: string;
}

export class ComposeSyntaxError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

/** Removes a trailing comment: a # at the start or after whitespace, outside quotes. */
function stripComment(text: string, no: number): string {
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = null;
    } else if (quote === "'") {
      if (c === "'" && text[i + 1] === "'") i++;
      else if (c === "'") quote = null;
    } else if ((c === '"' || c === "'") && (i === 0 || /[\s:\-\[{,]/.test(text[i - 1]))) {
      quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      return text.slice(0, i).trimEnd();
    }
  }
  if (quote) throw new ComposeSyntaxError(no, 'unterminated quoted string (multi-line scalars are not supported)');
  return text.trimEnd();
}

function toLines(source: string): Line[] {
  const lines: Line[] = [];
  source.split(/\r?\n/).forEach((raw, i) => {
    const no = i + 1;
    const indentMatch = /^[ \t]*/.exec(raw)![0];
    if (indentMatch.includes('\t')) throw new ComposeSyntaxError(no, 'tab in indentation');
    const text = stripComment(raw.slice(indentMatch.length), no);
    if (text === '') return;
    if (text === '---' || text === '...') throw new ComposeSyntaxError(no, 'document markers are not supported');
    lines.push({ no, indent: indentMatch.length, text });
  });
  return lines;
}

export function parseScalar(text: string, no: number): ComposeValue {
  const t = text.trim();
  if (t.startsWith('"')) {
    if (t.length < 2 || !t.endsWith('"')) throw new ComposeSyntaxError(no, `bad double-quoted string: ${t}`);
    try {
      // The YAML escapes used in practice (\" \\ \n \t \uXXXX) are JSON's.
      return JSON.parse(t) as string;
    } catch {
      throw new ComposeSyntaxError(no, `unsupported escape in ${t}`);
    }
  }
  if (t.startsWith("'")) {
    if (t.length < 2 || !t.endsWith("'") || t.slice(1, -1).replace(/''/g, '').includes("'")) {
      throw new ComposeSyntaxError(no, `bad single-quoted string: ${t}`);
    }
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (t === '{}') return {};
  if (t === '[]') return [];
  if (t === '~' || t === 'null') return null;
  if (/^[{[&*!|>%@`]/.test(t)) throw new ComposeSyntaxError(no, `unsupported YAML construct: ${t}`);
  if (/:(\s|$)/.test(t)) throw new ComposeSyntaxError(no, `": " inside a plain scalar (quote it): ${t}`);
  return t;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#:{}[\],&*!|>%@`-][^:#]*?|-[^\s:#][^:#]*?)\s*:(?:\s+(.*))?$/;

class Reader {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  parseDocument(): ComposeMap {
    if (!this.lines.length) return {};
    const first = this.lines[0];
    if (first.indent !== 0) throw new ComposeSyntaxError(first.no, 'document must start at column 0');
    const value = this.parseBlock(0);
    if (this.i < this.lines.length) throw new ComposeSyntaxError(this.lines[this.i].no, 'unexpected indentation');
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ComposeSyntaxError(first.no, 'top level must be a mapping');
    return value;
  }

  private parseBlock(indent: number): ComposeValue {
    const line = this.lines[this.i];
    return line.text === '-' || line.text.startsWith('- ') ? this.parseSequence(indent) : this.parseMapping(indent);
  }

  private parseSequence(indent: number): ComposeValue[] {
    const items: ComposeValue[] = [];
    while (this.i < this.lines.length) {
      const line = this.lines[this.i];
      if (line.indent < indent) break;
      if (line.indent > indent) throw new ComposeSyntaxError(line.no, 'unexpected indentation in sequence');
      if (!(line.text === '-' || line.text.startsWith('- '))) break;
      const rest = line.text.slice(1).trim();
      if (rest === '') throw new ComposeSyntaxError(line.no, 'nested collections in sequences are not supported');
      if (KEY.test(rest)) throw new ComposeSyntaxError(line.no, 'mappings inside sequences are not supported');
      if (rest.startsWith('- ')) throw new ComposeSyntaxError(line.no, 'nested sequences are not supported');
      items.push(parseScalar(rest, line.no));
      this.i++;
      const next = this.lines[this.i];
      if (next && next.indent > indent) throw new ComposeSyntaxError(next.no, 'multi-line scalars are not supported');
    }
    return items;
  }

  private parseMapping(indent: number): ComposeMap {
    const map: ComposeMap = {};
    while (this.i < this.lines.length) {
      const line = this.lines[this.i];
      if (line.indent < indent) break;
      if (line.indent > indent) throw new ComposeSyntaxError(line.no, 'unexpected indentation in mapping');
      if (line.text === '-' || line.text.startsWith('- ')) throw new ComposeSyntaxError(line.no, 'sequence item where a mapping key was expected');
      const match = KEY.exec(line.text);
      if (!match) throw new ComposeSyntaxError(line.no, `expected "key: value", got: ${line.text}`);
      const rawKey = match[1].trim();
      const key = rawKey.startsWith('"') || rawKey.startsWith("'") ? (parseScalar(rawKey, line.no) as string) : rawKey;
      if (Object.prototype.hasOwnProperty.call(map, key)) throw new ComposeSyntaxError(line.no, `duplicate key "${key}"`);
      this.i++;
      const inline = match[2];
      if (inline !== undefined && inline.trim() !== '') {
        map[key] = parseScalar(inline, line.no);
        const next = this.lines[this.i];
        if (next && next.indent > indent) throw new ComposeSyntaxError(next.no, 'multi-line scalars are not supported');
        continue;
      }
      const next = this.lines[this.i];
      if (next && next.indent > indent) map[key] = this.parseBlock(next.indent);
      // YAML allows a sequence under a key at the key's own indentation ("key:\n- a").
      else if (next && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) map[key] = this.parseSequence(indent);
      else map[key] = null;
    }
    return map;
  }
}

export function parseCompose(source: string): ComposeMap {
  return new Reader(toLines(source)).parseDocument();
}

export function readCompose(path: string): ComposeMap {
  return parseCompose(readFileSync(path, 'utf8'));
}

// ---- Typed access for assertions -------------------------------------------------------------------

export function asMap(value: ComposeValue | undefined, what: string): ComposeMap {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what} is not a mapping`);
  return value;
}

export function asList(value: ComposeValue | undefined, what: string): ComposeValue[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a list`);
  return value;
}

export function asString(value: ComposeValue | undefined, what: string): string {
  if (typeof value !== 'string') throw new Error(`${what} is not a scalar`);
  return value;
}

/** A service's `environment`, in either compose form (mapping, or list of NAME=value). */
export function serviceEnvironment(service: ComposeMap, name: string): Record<string, string> {
  const env = service.environment;
  if (env === undefined || env === null) return {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((item) => {
        const s = asString(item, `${name}.environment item`);
        const eq = s.indexOf('=');
        return eq < 0 ? [s, ''] : [s.slice(0, eq), s.slice(eq + 1)];
      }),
    );
  }
  const map = asMap(env, `${name}.environment`);
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v === null ? '' : asString(v, `${name}.environment.${k}`)]));
}
