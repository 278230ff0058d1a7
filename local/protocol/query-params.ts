import { AwsError, missingParameter } from './errors.ts';

/**
 * awsQuery request parameters (form-encoded: `Action`, `Version`, flattened lists such as
 * `Filters.Filter.1.Name` or `MessageAttributes.entry.1.Name`).
 */
export class QueryParams {
  readonly values: ReadonlyMap<string, string>;
  constructor(values: Map<string, string>) {
    this.values = values;
  }

  static parse(body: string): QueryParams {
    return new QueryParams(new Map(new URLSearchParams(body)));
  }

  get(name: string): string | undefined {
    return this.values.get(name);
  }

  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined || value === '') throw missingParameter(name);
    return value;
  }

  number(name: string): number | undefined {
    const value = this.values.get(name);
    if (value === undefined) return undefined;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) {
      throw new AwsError('InvalidParameterValue', `Value ${value} for parameter ${name} is invalid.`);
    }
    return parsed;
  }

  /**
   * The items of a flattened list: `prefix.1`, `prefix.2`, ... For a list of structures, each
   * item is the sub-parameters under `prefix.N.` (as its own QueryParams).
   */
  listOf(prefix: string): QueryParams[] {
    const items: QueryParams[] = [];
    for (let index = 1; ; index++) {
      const base = `${prefix}.${index}`;
      const sub = new Map<string, string>();
      for (const [key, value] of this.values) {
        if (key === base) sub.set('', value);
        else if (key.startsWith(`${base}.`)) sub.set(key.slice(base.length + 1), value);
      }
      if (sub.size === 0) return items;
      items.push(new QueryParams(sub));
    }
  }

  /** Scalar items of a flattened list (`prefix.1=a&prefix.2=b`). */
  strings(prefix: string): string[] {
    return this.listOf(prefix).map((item) => item.get('') ?? '');
  }
}
