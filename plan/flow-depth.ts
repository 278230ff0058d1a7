/**
 * How deep the flow collections (`[...]`, `{...}`) of a YAML or JSON text nest, found in one
 * pass before parsing: the YAML parser takes time that grows faster than the text on deep
 * nesting (4 s for 200 KB of `[`, then a stack overflow), and a plan is a handful of levels deep.
 * Quoted scalars and comments are skipped; a quote inside a plain scalar (`don't`) is text.
 */
export function flowNestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote === '"') {
      if (char === '\\') i++;
      else if (char === '"') quote = undefined;
      continue;
    }
    if (quote === "'") {
      if (char === "'" && text[i + 1] === "'") i++;
      else if (char === "'") quote = undefined;
      continue;
    }
    const before = i === 0 ? '\n' : text[i - 1];
    const atTokenStart = before === undefined || /[\s[{,:]/.test(before);
    if (char === '#' && (i === 0 || /\s/.test(before ?? ''))) {
      const end = text.indexOf('\n', i);
      if (end === -1) break;
      i = end;
    } else if ((char === '"' || char === "'") && atTokenStart) {
      quote = char;
    } else if (char === '[' || char === '{') {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth--;
    }
  }
  return deepest;
}
