import { describe, expect, it } from 'vitest';
import { InvalidPlanError } from '../../../plan/errors.ts';
import { parsePlan, parsePlanText } from '../../../plan/load.ts';
import { REFERENCE_PLAN_TEXT, referenceDocument } from './support.ts';

/**
 * Fuzzing the plan loader: mutated YAML and JSON plans never crash it or hang it. Each one is a
 * valid plan or an InvalidPlanError: one that names a field when the text parsed as YAML, one
 * that names the line (or the size, or the nesting) when it did not. Seeded and bounded: set
 * DRCTL_FUZZ_SEED to replay a failure, DRCTL_FUZZ_CASES to run longer.
 */
const SEED = Number(process.env.DRCTL_FUZZ_SEED ?? 20261201);
const CASES = Number(process.env.DRCTL_FUZZ_CASES ?? 300);
const BUDGET_MS = 3_000;
const PER_CASE_LIMIT_MS = 1_000;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const TOKENS = [
  '[',
  ']',
  '{',
  '}',
  ':',
  ': ',
  '- ',
  ',',
  "'",
  '"',
  '&a ',
  '*a',
  '<<: *a',
  '!!binary ',
  '!!str ',
  '!custom ',
  '.inf',
  '-.inf',
  '.nan',
  '~',
  'null',
  '1e999',
  '0x1F',
  '-0',
  '1.5',
  '99999999999999999999',
  '\u001b[31m',
  '\u0000',
  '\u009b',
  '\u202e',
  '__proto__',
  'constructor',
  '\n',
  '\t',
  '#',
  '|',
  '>',
  '%YAML 1.1\n',
  '---\n',
  '? ',
  '@',
  '`',
  'é',
  '\\',
  '\r\n',
];
const VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  Number.POSITIVE_INFINITY,
  Number.NaN,
  1e21,
  '',
  ' ',
  'x'.repeat(5_000),
  '\u001b[2J',
  [],
  {},
  [1, 2],
  { a: 1 },
  'us-east-1',
  'arn:aws:acm:us-east-1:111111111111:certificate/x',
  '10.0.0.0/8',
];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)] as T;
}

function mutateText(next: () => number, text: string): string {
  let out = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(next() * out.length);
    const span = Math.floor(next() * 40);
    switch (Math.floor(next() * 5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + span);
        break;
      case 1:
        out = out.slice(0, at) + out.slice(at, at + span).repeat(1 + Math.floor(next() * 50)) + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + pick(next, TOKENS).repeat(1 + Math.floor(next() * 3)) + out.slice(at);
        break;
      case 3: {
        const lines = out.split('\n');
        const a = Math.floor(next() * lines.length);
        const b = Math.floor(next() * lines.length);
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        out = lines.join('\n');
        break;
      }
      default:
        out = out.slice(0, at) + ' '.repeat(Math.floor(next() * 6)) + out.slice(at);
    }
  }
  return out;
}

type Node = Record<string, unknown> | unknown[];

function mutateDocument(next: () => number, document: Record<string, unknown>): void {
  // Walk down a random path, then change what is there.
  let node: Node = document;
  for (let depth = 0; depth < 6; depth++) {
    const keys: (string | number)[] = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
    if (keys.length === 0) break;
    const key = pick(next, keys);
    const child = (node as Record<string | number, unknown>)[key];
    if (child === null || typeof child !== 'object' || next() < 0.3) {
      const target = node as Record<string | number, unknown>;
      switch (Math.floor(next() * 5)) {
        case 0:
          if (Array.isArray(target)) target.splice(key as number, 1);
          else delete target[key];
          return;
        case 1:
          target[key] = structuredClone(pick(next, VALUES));
          return;
        case 2:
          if (Array.isArray(target)) target.push(structuredClone(target[key as number]));
          else target[`${String(key)}x`] = target[key];
          return;
        case 3:
          target[key] = typeof child === 'string' ? child.toUpperCase() + pick(next, TOKENS) : -Number(child);
          return;
        default:
          target[key] = Array.isArray(child) ? child : [child];
          return;
      }
    }
    node = child as Node;
  }
}

/** What one input must give: a plan, or an InvalidPlanError that says where. */
function checkOutcome(attempt: () => unknown, input: string): void {
  const started = performance.now();
  try {
    attempt();
  } catch (error) {
    if (!(error instanceof InvalidPlanError)) {
      throw new Error(`seed ${SEED}: ${String(error)} for input:\n${input.slice(0, 2_000)}`);
    }
    const message = error.message;
    if (error.issues.length > 0) {
      // The document parsed: every issue starts with its field, and the error names the first.
      expect(error.field, message).toBeTruthy();
      expect(message).toContain(`${error.field}: `);
      for (const issue of error.issues) expect(issue, message).toMatch(/^(\(root\)|[A-Za-z"][^:]*): /);
    } else {
      expect(message, input.slice(0, 500)).toMatch(
        /line \d+|nests more than|may be at most|aliases expand too much/,
      );
    }
  }
  const elapsed = performance.now() - started;
  expect(elapsed, `seed ${SEED}: ${Math.round(elapsed)} ms for input:\n${input.slice(0, 500)}`).toBeLessThan(
    PER_CASE_LIMIT_MS,
  );
}

describe('plan loader fuzz (seeded, bounded)', () => {
  it('mutated YAML and JSON texts never crash or hang the loader', () => {
    // Prepare
    const next = random(SEED);
    const json = JSON.stringify(referenceDocument());
    const deadline = performance.now() + BUDGET_MS;
    let cases = 0;

    // Act + Assess
    while (cases < CASES && performance.now() < deadline) {
      const base = next() < 0.7 ? REFERENCE_PLAN_TEXT : json;
      const input = mutateText(next, base);
      checkOutcome(() => parsePlanText(input, 'fuzzed-plan'), input);
      cases++;
    }
    expect(cases).toBeGreaterThan(50);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('mutated plan documents always give a plan or an error that names the field', () => {
    // Prepare
    const next = random(SEED + 1);
    const deadline = performance.now() + BUDGET_MS;
    let cases = 0;
    let refused = 0;

    // Act + Assess
    while (cases < CASES && performance.now() < deadline) {
      const document = referenceDocument() as unknown as Record<string, unknown>;
      const mutations = 1 + Math.floor(next() * 3);
      for (let i = 0; i < mutations; i++) mutateDocument(next, document);
      const input = JSON.stringify(document);
      try {
        parsePlan(document, 'fuzzed-plan');
      } catch (error) {
        refused++;
        expect(error, input).toBeInstanceOf(InvalidPlanError);
        expect((error as InvalidPlanError).field, `${(error as Error).message}\n${input}`).toBeTruthy();
      }
      checkOutcome(() => parsePlan(structuredClone(document), 'fuzzed-plan'), input);
      cases++;
    }
    expect(cases).toBeGreaterThan(50);
    expect(refused).toBeGreaterThan(cases / 2);
  });
});
