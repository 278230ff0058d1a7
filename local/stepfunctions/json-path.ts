/**
 * Reads a reference path (`$`, `$.a.b`, `$.list[0]`, `$['a b']`) from a state's input, as the
 * Amazon States Language defines reference paths; undefined when it points at nothing.
 */
export function readReferencePath(path: string, input: unknown): unknown {
  if (!path.startsWith('$')) return undefined;
  let node: unknown = input;
  const pattern = /\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (!match) return undefined;
    const key = match[1] ?? match[3] ?? match[4];
    if (key !== undefined) {
      if (node === null || typeof node !== 'object' || Array.isArray(node) || !Object.hasOwn(node, key))
        return undefined;
      node = (node as Record<string, unknown>)[key];
    } else {
      const index = Number(match[2]);
      if (!Array.isArray(node) || index >= node.length) return undefined;
      node = node[index];
    }
  }
  return node;
}
