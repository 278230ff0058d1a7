import { App } from 'aws-cdk-lib';
import { InvalidPlanError } from '../plan/errors.ts';
import { loadPlanFile } from '../plan/load.ts';
import { buildReferenceApp } from './reference-app.ts';

/**
 * `npx cdk synth` entry point (cdk.json). The plan file is drctl.plan.yaml unless the context
 * `plan` or the environment variable DRCTL_PLAN names another: `npx cdk synth -c plan=other.yaml`.
 */
const app = new App();
const planFile =
  (app.node.tryGetContext('plan') as string | undefined) ?? process.env.DRCTL_PLAN ?? 'drctl.plan.yaml';
let plan: ReturnType<typeof loadPlanFile>;
try {
  plan = loadPlanFile(planFile);
} catch (error) {
  // An invalid plan is the operator's to fix: its message names every field, a stack trace would not help.
  if (!(error instanceof InvalidPlanError)) throw error;
  console.error(error.message);
  process.exit(2);
}
buildReferenceApp(app, plan);
app.synth();
