import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployedPlan } from '../../../functions/shared/plan.ts';
import { readDeployedPlan } from '../../../plan/deployed-plan.ts';
import { InvalidPlanError } from '../../../plan/errors.ts';
import { loadPlanFile } from '../../../plan/load.ts';
import { REFERENCE_PLAN_PATH } from './support.ts';

const validated = loadPlanFile(REFERENCE_PLAN_PATH);

function writeFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'drctl-deployed-plan-test-')), name);
  writeFileSync(file, text);
  return file;
}

function refusal(read: () => unknown): InvalidPlanError {
  try {
    read();
  } catch (error) {
    return error as InvalidPlanError;
  }
  throw new Error('expected the plan to be refused');
}

/** A copy of the validated plan with one field changed (undefined: removed). */
function withField(path: string, value: unknown): unknown {
  const copy = structuredClone(validated) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce((at, key) => at[key] as Record<string, unknown>, copy);
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

describe('the deployed plan reader', () => {
  it('reads the plan.json CDK writes as the validated plan, defaults included', () => {
    // Prepare
    const file = writeFile('plan.json', `${JSON.stringify(validated, null, 2)}\n`);

    // Act
    const plan = readDeployedPlan(file);

    // Assess
    expect(plan).toEqual(validated);
    expect(plan.failover.pollSeconds.fence).toBe(5);
  });

  it('refuses a YAML plan, saying functions read the JSON that CDK validated and bundled', () => {
    // Prepare
    const source = 'DRCTL_PLAN_FILE=drctl.plan.yaml';

    // Act
    const error = refusal(() => readDeployedPlan(REFERENCE_PLAN_PATH, source));

    // Assess
    expect(error).toBeInstanceOf(InvalidPlanError);
    expect(error.message).toMatch(
      /^DRCTL_PLAN_FILE=drctl\.plan\.yaml is not a validated recovery plan: it is not JSON/,
    );
    expect(error.message).toContain('plan.json, validated at synth');
  });

  it.each([
    ['regions.dr', undefined, 'regions.dr: expected a non-empty string, found nothing'],
    ['dns', 'gate', 'dns: expected an object, found "gate"'],
    ['databases', {}, 'databases: expected a list, found {}'],
    ['databases', [], 'databases: expected at least one entry, found none'],
    ['services', [{ cluster: 'c' }], 'services[0].id: expected a string'],
    ['failover.pollSeconds', undefined, 'failover.pollSeconds: expected an object, found nothing'],
  ])('refuses a plan whose %s is wrong, naming the field', (path, value, why) => {
    // Prepare
    const file = writeFile('plan.json', JSON.stringify(withField(path, value)));

    // Act
    const error = refusal(() => readDeployedPlan(file, 'DRCTL_PLAN_FILE=plan.json'));

    // Assess
    expect(error.name).toBe('InvalidPlanError');
    expect(error.field).toBe(why.split(':')[0]);
    expect(error.message).toBe(
      `DRCTL_PLAN_FILE=plan.json is not a validated recovery plan: ${why}. Redeploy (cdk deploy writes plan.json from the validated plan).`,
    );
  });

  it('refuses JSON that is not an object', () => {
    // Prepare
    const file = writeFile('plan.json', '[1, 2]');

    // Act
    const error = refusal(() => readDeployedPlan(file, 'DRCTL_PLAN_FILE=plan.json'));

    // Assess
    expect(error.message).toContain('expected a plan object, found [1,2]');
  });

  it('refuses a missing file, a folder and a file far larger than any plan', () => {
    // Prepare
    const folder = mkdtempSync(join(tmpdir(), 'drctl-deployed-plan-folder-'));
    const huge = writeFile('plan.json', `"${'x'.repeat(1024 * 1024 + 10)}"`);

    // Act
    const missing = refusal(() => readDeployedPlan(join(folder, 'plan.json'), 'DRCTL_PLAN_FILE=plan.json'));
    const dir = refusal(() => readDeployedPlan(folder, 'DRCTL_PLAN_FILE=x'));
    const big = refusal(() => readDeployedPlan(huge, 'DRCTL_PLAN_FILE=plan.json'));

    // Assess
    expect(missing.message).toBe('Cannot read the deployed plan DRCTL_PLAN_FILE=plan.json: no such file');
    expect(dir.message).toBe('Cannot read the deployed plan DRCTL_PLAN_FILE=x: it is a folder');
    expect(big.message).toMatch(
      /^The deployed plan DRCTL_PLAN_FILE=plan\.json is 1024 KiB; .* is it the right file\?$/,
    );
  });

  it('resolves a relative DRCTL_PLAN_FILE from the bundle (LAMBDA_TASK_ROOT) and names both in errors', () => {
    // Prepare
    const taskRoot = mkdtempSync(join(tmpdir(), 'drctl-task-root-'));
    writeFileSync(join(taskRoot, 'plan.json'), JSON.stringify(validated));

    // Act
    const plan = loadDeployedPlan({ DRCTL_PLAN_FILE: 'plan.json', LAMBDA_TASK_ROOT: taskRoot });
    const error = refusal(() =>
      loadDeployedPlan({ DRCTL_PLAN_FILE: 'other.json', LAMBDA_TASK_ROOT: taskRoot }),
    );

    // Assess
    expect(plan).toEqual(validated);
    expect(error.message).toBe(
      `Cannot read the deployed plan DRCTL_PLAN_FILE=other.json (${join(taskRoot, 'other.json')}): no such file`,
    );
  });

  it('fails fast with a ConfigurationError when DRCTL_PLAN_FILE is not set', () => {
    // Act
    const error = refusal(() => loadDeployedPlan({}));

    // Assess
    expect(error.name).toBe('ConfigurationError');
    expect(error.message).toContain('DRCTL_PLAN_FILE');
  });
});
