import { App } from 'aws-cdk-lib';
import { loadPlanFile } from '../plan/load.ts';
import { listAcknowledgements } from './nag.ts';
import { buildReferenceApp } from './reference-app.ts';

const app = new App({ outdir: '/tmp/cdkout-acks', context: { 'aws:cdk:bundling-stacks': [] } });
buildReferenceApp(app, loadPlanFile('/work/main/drctl.plan.yaml'));
const seen = new Map<string, { reason: string; paths: string[] }>();
for (const a of listAcknowledgements(app)) {
  const key = `${a.id}|${a.reason}`;
  const e = seen.get(key) ?? { reason: a.reason, paths: [] };
  e.paths.push(a.path);
  seen.set(key, e);
}
for (const [key, e] of seen)
  console.log(`${key.split('|')[0]}\t${e.paths.length}\t${e.paths.join(', ')}\t${e.reason}`);
