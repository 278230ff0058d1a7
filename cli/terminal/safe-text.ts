import { escapeControlCharacters } from '../../plan/value-preview.ts';

/**
 * Text from files, names, AWS answers and flags goes through here before it reaches a terminal:
 * control characters (escape sequences that recolour, move the cursor or retitle the window,
 * C1 controls, bidirectional overrides) are shown escaped (`\e[31m`), never interpreted.
 */
export { escapeControlCharacters };

/** One line of untrusted text: every control character escaped, newlines too. */
export function safeText(text: string): string {
  return escapeControlCharacters(text);
}

/** A message of several lines written by drctl around untrusted parts: newlines and tabs kept. */
export function safeMessage(text: string): string {
  return escapeControlCharacters(text, { keepNewlines: true });
}

/** A deep copy with every string made safe, for views that print a document's fields. */
export function terminalSafe<T>(value: T): T {
  if (typeof value === 'string') return safeText(value) as T;
  if (Array.isArray(value)) return value.map((item) => terminalSafe(item)) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, terminalSafe(item)]),
    ) as T;
  }
  return value;
}

// Characters JSON.stringify leaves raw but a terminal interprets (it escapes only U+0000-U+001F).
const RAW_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** Pretty JSON for a terminal: still valid JSON, with no control character left raw. */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    RAW_IN_JSON,
    (char) => `\\u${(char.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
}
