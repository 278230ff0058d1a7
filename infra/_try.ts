import { App } from 'aws-cdk-lib';
import { loadPlanFile } from '../plan/load.ts';
import { buildReferenceApp } from './reference-app.ts';

const app = new App({ outdir: '/tmp/cdkout-try', context: { 'aws:cdk:bundling-stacks': [] } });
buildReferenceApp(app, loadPlanFile('/work/main/drctl.plan.yaml'));
app.synth();
