import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidPlanError } from '../../../plan/errors.ts';
import { planJsonSchema } from '../../../plan/json-schema.ts';
import { loadPlanFile, PLAN_SIZE_LIMIT_BYTES, parsePlanText } from '../../../plan/load.ts';
import { planErrorOf, REFERENCE_PLAN_PATH, REFERENCE_PLAN_TEXT, referenceDocument } from './support.ts';

function textErrorOf(text: string): InvalidPlanError {
  try {
    parsePlanText(text, 'test-plan');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPlanError);
    return error as InvalidPlanError;
  }
  throw new Error('expected the plan text to be rejected');
}

describe('recovery plan', () => {
  it('loads the reference plan with several databases and services and fills defaults', () => {
    // Prepare
    const path = REFERENCE_PLAN_PATH;

    // Act
    const plan = loadPlanFile(path);

    // Assess
    expect(plan.databases.map((db) => db.id)).toEqual(['orders', 'catalog']);
    expect(plan.services).toHaveLength(3);
    expect(plan.dns.strategy).toBe('gate');
    expect(plan.failover.pollSeconds.promotion).toBe(10);
  });

  it('names the field, what was found and what is allowed', () => {
    // Prepare
    const document = referenceDocument();
    (document.databases[1] as { engine: string }).engine = 'oracle';

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(error.field).toBe('databases[1].engine');
    expect(error.message).toContain(
      'databases[1].engine: must be one of "mysql", "mariadb", "postgres" (found "oracle")',
    );
  });

  it('reports a missing required field and unknown fields', () => {
    // Prepare
    const document = referenceDocument() as Record<string, unknown>;
    delete document.dns;
    document.colour = 'blue';

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(error.issues).toContain('dns: is required (expected object)');
    expect(error.issues.some((issue) => issue.includes('unknown field(s) "colour"'))).toBe(true);
  });

  it('rejects a replica outside the DR region and duplicate ids', () => {
    // Prepare
    const document = referenceDocument();
    const [first, second] = document.databases as [
      (typeof document.databases)[number],
      (typeof document.databases)[number],
    ];
    first.replica.region = 'eu-west-1';
    second.id = 'orders';

    // Act
    const error = planErrorOf(document);

    // Assess
    expect(error.issues).toContain(
      'databases[0].replica.region: must be regions.dr (us-west-2), found eu-west-1',
    );
    expect(error.issues).toContain('databases[1].id: duplicate id "orders"');
  });

  it('lists the allowed values of a union: intervalSeconds 15 must be 10 or 30', () => {
    // Prepare
    const text = REFERENCE_PLAN_TEXT.replace('intervalSeconds: 10', 'intervalSeconds: 15');

    // Act
    const error = textErrorOf(text);

    // Assess
    expect(error.issues).toEqual(['detection.healthCheck.intervalSeconds: must be 10 or 30 (found 15)']);
    expect(error.field).toBe('detection.healthCheck.intervalSeconds');
  });

  it('names non-finite numbers as YAML writes them instead of "null"', () => {
    // Prepare
    const text = REFERENCE_PLAN_TEXT.replace('rtoSeconds: 900', 'rtoSeconds: .inf')
      .replace('rpoSeconds: 60', 'rpoSeconds: .nan')
      .replace('ttl: 60', 'ttl: -.inf');

    // Act
    const error = textErrorOf(text);

    // Assess
    expect(error.issues).toContain('objectives.rtoSeconds: expected a finite number (found .inf: infinity)');
    expect(error.issues).toContain(
      'objectives.rpoSeconds: expected a finite number (found .nan: not a number)',
    );
    expect(error.issues).toContain('dns.ttl: expected a finite number (found -.inf: minus infinity)');
    expect(error.message).not.toContain('null');
  });

  it('gives one line per field when a value breaks several checks', () => {
    // Prepare
    const text = REFERENCE_PLAN_TEXT.replace('periodSeconds: 60', 'periodSeconds: 45');

    // Act
    const error = textErrorOf(text);

    // Assess
    expect(error.issues).toEqual([
      'detection.alarm.periodSeconds: must be at least 60 and must be a multiple of 60 (found 45)',
    ]);
  });

  it('refuses a file over the size limit before parsing it, in milliseconds', () => {
    // Prepare: 5 MB of valid YAML took 3.9 s to parse before the limit (26 s on a busy machine)
    const path = join(tmpdir(), `drctl-big-plan-${process.pid}.yaml`);
    writeFileSync(path, `${REFERENCE_PLAN_TEXT}\n# ${'x'.repeat(5 * 1024 * 1024)}\n`);

    // Act
    const started = performance.now();
    let error: unknown;
    try {
      loadPlanFile(path);
    } catch (caught) {
      error = caught;
    }
    const elapsedMs = performance.now() - started;

    // Assess
    expect(error).toBeInstanceOf(InvalidPlanError);
    expect((error as Error).message).toMatch(/is 5\.0 MiB; a recovery plan may be at most 256 KiB/);
    expect(elapsedMs).toBeLessThan(500);
    expect(PLAN_SIZE_LIMIT_BYTES).toBe(256 * 1024);
  });

  it('says a plan nests too deeply, at once, instead of parsing for seconds and overflowing the stack', () => {
    // Prepare: 200 KB of `[`, under the size limit (the YAML parser took 4 s, then overflowed)
    const text = `name: ${'['.repeat(200_000)}`;

    // Act
    const started = performance.now();
    const error = textErrorOf(text);

    // Assess
    expect(error.message).toContain('nests more than 64 levels deep');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('loads the reference plan written as one line of JSON (flow style, quotes, brackets in strings)', () => {
    // Prepare
    const document = referenceDocument();
    document.description = 'brackets [[[ and quotes \' " in a string # not a comment';
    const text = JSON.stringify(document);

    // Act
    const plan = parsePlanText(text, 'plan.json');

    // Assess
    expect(plan.description).toBe(document.description);
    expect(plan.databases).toHaveLength(2);
  });

  it('escapes control characters of the file in its messages', () => {
    // Prepare: an escape sequence in a value and in a line YAML cannot parse
    const inValue = REFERENCE_PLAN_TEXT.replace('name: shop', 'name: "sh\\e[31mop\\u009b"');
    const inSyntax = REFERENCE_PLAN_TEXT.replace('name: shop', 'name: [shop\u001b[31m');

    // Act
    const valueError = textErrorOf(inValue);
    const syntaxError = textErrorOf(inSyntax);

    // Assess
    expect(valueError.message).toContain('(found "sh\\e[31mop\\x9b")');
    for (const message of [valueError.message, syntaxError.message]) {
      expect([...message].filter((char) => char === '\u001b' || char === '\u009b')).toEqual([]);
    }
    expect(syntaxError.message).toContain('is not valid YAML');
  });

  it('keeps a __proto__ key out of every prototype and names it as unknown', () => {
    // Prepare
    const text = `${REFERENCE_PLAN_TEXT}\n__proto__: { polluted: 1 }\n`;

    // Act
    const error = textErrorOf(text);

    // Assess
    expect(error.issues).toContain('(root): unknown field(s) "__proto__"; remove them or check the spelling');
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('refuses a folder and a missing file with the reason', () => {
    // Act
    const folder = (() => {
      try {
        loadPlanFile(tmpdir());
      } catch (error) {
        return error as Error;
      }
    })();
    const missing = (() => {
      try {
        loadPlanFile(join(tmpdir(), 'no-such-drctl-plan.yaml'));
      } catch (error) {
        return error as Error;
      }
    })();

    // Assess
    expect(folder).toBeInstanceOf(InvalidPlanError);
    expect(folder?.message).toContain('it is a folder');
    expect(missing?.message).toContain('no such file');
  });

  it('exports a JSON Schema identical to the committed plan/plan.schema.json', () => {
    // Prepare
    const committed = JSON.parse(
      readFileSync(new URL('../../../plan/plan.schema.json', import.meta.url), 'utf8'),
    ) as unknown;

    // Act
    const exported = planJsonSchema();

    // Assess: run `npm run plan:schema` after changing plan/schema.ts
    expect(exported).toEqual(committed);
    expect(exported.required).toEqual(expect.arrayContaining(['name', 'databases', 'services', 'dns']));
  });
});
