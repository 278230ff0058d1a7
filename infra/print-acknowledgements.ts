import { App } from 'aws-cdk-lib';
import { loadPlanFile } from '../plan/load.ts';
import { listAcknowledgements } from './nag.ts';
import { buildReferenceApp } from './reference-app.ts';

/**
 * Prints every acknowledged security finding of the reference app for a plan, grouped by finding
 * and reason: `tsx infra/print-acknowledgements.ts [plan file]`. For reviews and release notes.
 */
const planFile = process.argv[2] ?? 'drctl.plan.yaml';
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
buildReferenceApp(app, loadPlanFile(planFile), { securityChecks: false });

const grouped = new Map<string, string[]>();
for (const { id, reason, path } of listAcknowledgements(app)) {
  const key = `${id}\n  ${reason}`;
  grouped.set(key, [...(grouped.get(key) ?? []), path]);
}
for (const [key, paths] of grouped) {
  console.log(`${key}\n  on: ${paths.join(', ')}\n`);
}
