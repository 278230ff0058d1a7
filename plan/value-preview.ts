/**
 * A short, safe rendering of any parsed value for an error message: bounded in length and
 * depth whatever the input (400 KB of nested `[` or a 5 MB string cost the same as a number),
 * numbers as written (Infinity, NaN are not "null"), and no control character left raw.
 */
const DEFAULT_MAX_LENGTH = 60;
const MAX_DEPTH = 4;
const MAX_ITEMS = 5;

export function previewValue(value: unknown, maxLength = DEFAULT_MAX_LENGTH): string {
  if (value === undefined) return 'nothing';
  const text = render(value, 0, maxLength + 1);
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

/** How YAML spells the non-finite numbers, with what they mean. */
export function nonFiniteName(value: number): string | undefined {
  if (Number.isNaN(value)) return '.nan: not a number';
  if (value === Number.POSITIVE_INFINITY) return '.inf: infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-.inf: minus infinity';
  return undefined;
}

/** Escapes what a terminal would interpret: C0 and C1 controls, DEL, bidirectional overrides. */
export function escapeControlCharacters(text: string, options: { keepNewlines?: boolean } = {}): string {
  return text.replace(CONTROL, (char) => {
    if (options.keepNewlines && (char === '\n' || char === '\t')) return char;
    const named = NAMED_ESCAPES[char];
    if (named) return named;
    const code = char.codePointAt(0) ?? 0;
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

// C0 controls, DEL, C1 controls, line/paragraph separators and the bidirectional controls
// (a "Trojan source" right-to-left override makes a value read differently from what it is).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** Renders at most `budget` characters; deeper or longer parts become "...". */
function render(value: unknown, depth: number, budget: number): string {
  if (budget <= 0) return '';
  switch (typeof value) {
    case 'string':
      return quote(value.length > budget ? value.slice(0, budget) : value);
    case 'number':
      return Number.isFinite(value) ? String(value) : (nonFiniteName(value)?.split(':')[0] ?? String(value));
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'nothing';
    case 'function':
    case 'symbol':
      return typeof value;
  }
  if (value === null) return 'null';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid date' : value.toISOString();
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? '[...]' : '{...}';
  if (Array.isArray(value)) {
    const parts: string[] = [];
    let used = 2;
    for (const item of value.slice(0, MAX_ITEMS)) {
      const part = render(item, depth + 1, budget - used);
      parts.push(part);
      used += part.length + 1;
      if (used >= budget) break;
    }
    if (value.length > parts.length) parts.push('...');
    return `[${parts.join(',')}]`;
  }
  if (value instanceof Uint8Array) return `${value.length} bytes of binary data`;
  const parts: string[] = [];
  let used = 2;
  const keys = Object.keys(value as object);
  for (const key of keys.slice(0, MAX_ITEMS)) {
    const part = `${quote(key.slice(0, budget))}:${render((value as Record<string, unknown>)[key], depth + 1, budget - used)}`;
    parts.push(part);
    used += part.length + 1;
    if (used >= budget) break;
  }
  if (keys.length > parts.length) parts.push('...');
  return `{${parts.join(',')}}`;
}

function quote(text: string): string {
  return `"${escapeControlCharacters(text.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`;
}

/** Why a file could not be read, in words (a plan file, the deployed plan.json). */
export function fileReadReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'no such file';
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'EISDIR') return 'it is a folder';
  return escapeControlCharacters(e.message ?? previewValue(error));
}
