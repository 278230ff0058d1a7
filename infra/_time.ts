const t0 = Date.now();
const { App } = await import('aws-cdk-lib');
const { loadPlanFile } = await import('../plan/load.ts');
const { buildReferenceApp } = await import('./reference-app.ts');
const t1 = Date.now();
const app = new App({
  outdir: '/tmp/cdkout-time',
  context: process.env.BUNDLE === '1' ? {} : { 'aws:cdk:bundling-stacks': [] },
});
buildReferenceApp(app, loadPlanFile('/work/main/drctl.plan.yaml'), {
  securityChecks: process.env.NAG !== '0',
});
const t2 = Date.now();
app.synth();
console.log('import', t1 - t0, 'construct', t2 - t1, 'synth', Date.now() - t2);
