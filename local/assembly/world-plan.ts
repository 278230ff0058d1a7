import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Plan } from '../../plan/schema.ts';
import type { Endpoints } from '../endpoints.ts';
import type { Cleanup } from './cleanup.ts';

export interface WorldPlan {
  /** The plan the handlers see: the same, with health URLs on the world's loopback endpoints. */
  worldPlan: Plan;
  planFile: string;
}

/** Writes the handlers' copy of the plan to a temp folder that the cleanup removes. */
export function writeWorldPlan(plan: Plan, endpoints: Endpoints, cleanup: Cleanup): WorldPlan {
  const worldPlan: Plan = {
    ...plan,
    application: {
      primary: { ...plan.application.primary, healthUrl: endpoints.appUrls.primary },
      dr: { ...plan.application.dr, healthUrl: endpoints.appUrls.dr },
    },
  };
  const directory = mkdtempSync(join(tmpdir(), 'drctl-world-'));
  cleanup.add(() => rmSync(directory, { recursive: true, force: true }));
  const planFile = join(directory, 'plan.json');
  writeFileSync(planFile, JSON.stringify(worldPlan, null, 2));
  return { worldPlan, planFile };
}
