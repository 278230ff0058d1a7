import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { InvalidPlanError } from '../../../plan/errors.ts';
import { planJsonSchema } from '../../../plan/json-schema.ts';
import { loadPlanFile, parsePlan } from '../../../plan/load.ts';

const referencePlanPath = new URL('../../../drctl.plan.yaml', import.meta.url).pathname;
const referenceDocument = () => parse(readFileSync(referencePlanPath, 'utf8')) as Record<string, unknown>;

function expectPlanError(document: unknown): InvalidPlanError {
  try {
    parsePlan(document, 'test-plan');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidPlanError);
    return error as InvalidPlanError;
  }
  throw new Error('expected the plan to be rejected');
}

describe('recovery plan', () => {
  it('loads the reference plan with several databases and services and fills defaults', () => {
    // Prepare
    const path = referencePlanPath;

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
    (document.databases as Record<string, unknown>[])[1] = {
      ...(document.databases as Record<string, unknown>[])[1],
      engine: 'oracle',
    };

    // Act
    const error = expectPlanError(document);

    // Assess
    expect(error.field).toBe('databases[1].engine');
    expect(error.message).toContain(
      'databases[1].engine: must be one of "mysql", "mariadb", "postgres" (found "oracle")',
    );
  });

  it('reports a missing required field and unknown fields', () => {
    // Prepare
    const document = referenceDocument();
    delete document.dns;
    document.colour = 'blue';

    // Act
    const error = expectPlanError(document);

    // Assess
    expect(error.issues).toContain('dns: is required (expected object)');
    expect(error.issues.some((issue) => issue.includes('unknown field(s) "colour"'))).toBe(true);
  });

  it('rejects a replica outside the DR region and duplicate ids', () => {
    // Prepare
    const document = referenceDocument();
    const databases = document.databases as { id: string; replica: { region: string } }[];
    databases[0] = { ...databases[0], replica: { ...databases[0]?.replica, region: 'eu-west-1' } } as never;
    (databases[1] as { id: string }).id = 'orders';

    // Act
    const error = expectPlanError(document);

    // Assess
    expect(error.issues).toContain(
      'databases[0].replica.region: must be regions.dr (us-west-2), found eu-west-1',
    );
    expect(error.issues).toContain('databases[1].id: duplicate id "orders"');
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
