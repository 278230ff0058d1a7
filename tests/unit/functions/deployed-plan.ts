import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlanFile } from '../../../plan/load.ts';
import type { Plan } from '../../../plan/schema.ts';

export const REFERENCE_PLAN_YAML = new URL('../../../drctl.plan.yaml', import.meta.url).pathname;

/**
 * A plan file as a function finds it once deployed: the validated plan as JSON, as CDK writes
 * plan.json next to the bundle (infra/lambda/dr-function.ts). Functions do not read YAML.
 */
export function deployedPlanFile(plan: Plan = loadPlanFile(REFERENCE_PLAN_YAML)): string {
  const file = join(mkdtempSync(join(tmpdir(), 'drctl-deployed-plan-')), 'plan.json');
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
  return file;
}
