import { AwsError, missingParameter } from './errors.ts';

/**
 * awsQuery request parameters (form-encoded: `Action`, `Version`, flattened lists such as
 * `Filters.Filter.1.Name` or `MessageAttributes.entry.1.Name`), held as a tree of their dotted
 * names. Parsing is linear in the size of the request, and names are only ever keys of Maps,
 * so that no name (`__proto__.x`, `constructor.prototype.y`) can reach an object prototype.
 */
export interface QueryNode {
  value?: string;
  children: Map<string, QueryNode>;
}

/** The highest list index the world reads (`Member.N`): beyond it a request is malformed. */
export const MAX_LIST_INDEX = 10_000;

export class QueryParams {
  private readonly root: QueryNode;

  constructor(root: QueryNode) {
    this.root = root;
  }

  static parse(body: string): QueryParams {
    const root: QueryNode = { children: new Map() };
    let pairs: URLSearchParams;
    try {
      pairs = new URLSearchParams(body);
    } catch {
      throw malformed('the request body is not a valid form-encoded query string');
    }
    for (const [name, value] of pairs) {
      let node = root;
      for (const part of name.split('.')) {
        let child = node.children.get(part);
        if (!child) {
          child = { children: new Map() };
          node.children.set(part, child);
        }
        node = child;
      }
      node.value = value;
    }
    return new QueryParams(root);
  }

  /** Every parameter as name → value, in a fresh Map. */
  get values(): ReadonlyMap<string, string> {
    const out = new Map<string, string>();
    const walk = (node: QueryNode, prefix: string) => {
      if (node.value !== undefined && prefix !== '') out.set(prefix, node.value);
      for (const [part, child] of node.children) walk(child, prefix === '' ? part : `${prefix}.${part}`);
    };
    walk(this.root, '');
    return out;
  }

  /** The tree (for conversions to JSON-shaped input). */
  get tree(): QueryNode {
    return this.root;
  }

  private node(name: string): QueryNode | undefined {
    let node: QueryNode | undefined = this.root;
    for (const part of name === '' ? [] : name.split('.')) {
      node = node.children.get(part);
      if (!node) return undefined;
    }
    return node;
  }

  get(name: string): string | undefined {
    return this.node(name)?.value;
  }

  required(name: string): string {
    const value = this.get(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  number(name: string): number | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    const parsed = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(parsed)) {
      throw new AwsError(
        'InvalidParameterValue',
        `Value ${value.slice(0, 100)} for parameter ${name} is invalid.`,
      );
    }
    return parsed;
  }

  /** A boolean parameter (`true` / `false`, as the SDKs send them), or InvalidParameterValue. */
  boolean(name: string): boolean | undefined {
    const value = this.get(name);
    if (value === undefined) return undefined;
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
    throw new AwsError(
      'InvalidParameterValue',
      `Value ${value.slice(0, 100)} for parameter ${name} is invalid: it must be true or false.`,
    );
  }

  /** An integer parameter within [min, max], or InvalidParameterValue naming the bounds. */
  integer(name: string, min: number, max: number): number | undefined {
    const value = this.number(name);
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new AwsError(
        'InvalidParameterValue',
        `Invalid value ${value} for ${name}. Must be an integer between ${min} and ${max}.`,
      );
    }
    return value;
  }

  /**
   * The items of a flattened list: `prefix.1`, `prefix.2`, ... in index order. For a list of
   * structures, each item holds the sub-parameters under `prefix.N.`; a scalar item's value is
   * its `get('')`.
   */
  listOf(prefix: string): QueryParams[] {
    const node = this.node(prefix);
    if (!node) return [];
    return numberedChildren(node, prefix).map((child) => new QueryParams(child));
  }

  /** Scalar items of a flattened list (`prefix.1=a&prefix.2=b`). */
  strings(prefix: string): string[] {
    const node = this.node(prefix);
    if (!node) return [];
    return numberedChildren(node, prefix).map((child) => child.value ?? '');
  }
}

/** The children of a list node, numbered 1..N, in index order; other names are malformed. */
export function numberedChildren(node: QueryNode, where: string): QueryNode[] {
  const items: [number, QueryNode][] = [];
  for (const [part, child] of node.children) {
    if (!/^[1-9]\d{0,8}$/.test(part) || Number(part) > MAX_LIST_INDEX) {
      throw malformed(
        `${where}.${part.slice(0, 40)} is not a list member (members are numbered 1 to ${MAX_LIST_INDEX})`,
      );
    }
    items.push([Number(part), child]);
  }
  return items.sort((a, b) => a[0] - b[0]).map(([, child]) => child);
}

export function malformed(message: string): AwsError {
  return new AwsError('MalformedQueryString', message, 400);
}
