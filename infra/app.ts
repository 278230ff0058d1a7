import { App } from 'aws-cdk-lib';
import { loadPlanFile } from '../plan/load.ts';
import { buildReferenceApp } from './reference-app.ts';

/**
 * `npx cdk synth` entry point (cdk.json). The plan file is drctl.plan.yaml unless the context
 * `plan` or the environment variable DRCTL_PLAN names another: `npx cdk synth -c plan=other.yaml`.
 */
const app = new App();
const planFile =
  (app.node.tryGetContext('plan') as string | undefined) ?? process.env.DRCTL_PLAN ?? 'drctl.plan.yaml';
buildReferenceApp(app, loadPlanFile(planFile));
app.synth();
