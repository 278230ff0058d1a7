import { InvalidInputError } from '../../plan/errors.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { faultHelp, parseFaults } from '../drill/faults.ts';
import type { RunReport } from '../report/schema.ts';
import { guarded, integerOption, parseCommandArgs, USAGE_ERROR } from '../terminal/args.ts';
import { Progress } from '../terminal/progress.ts';
import { createStyle } from '../terminal/style.ts';

export const usage =
  'drill [--plan FILE] [--mode failover|dry-run] [--fault NAME[=VALUE]]... [--target local|aws]';

const HELP = `usage: drctl drill [options]

Runs a disaster-recovery drill and leaves its evidence (JSON report, HTML page).

Local world (default): seeds a simulated two-region AWS from the plan, starts the write stream,
injects a primary-region outage and follows the unattended failover (health checks, alarm,
state machine) with live progress in simulated time. Exit status: 0 when the failover
succeeded within the plan's RTO and RPO objectives, 1 when it failed or missed one, 2 on bad input.

options:
  --plan FILE               recovery plan (default ./drctl.plan.yaml)
  --mode MODE               failover (local default) or dry-run (preflight only: shows what
                            would change, changes nothing; the AWS default)
  --fault NAME[=VALUE]      add a fault to the local world (repeatable):
${faultHelp()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
  --scale N                 simulated seconds per wall second (local, default 200)
  --seed N                  seed of the world's random choices (local, default 1)
  --json FILE               JSON report path (default reports/drill-<timestamp>.json); the HTML
                            page is written next to it
  --target local|aws        where to drill (default local)

AWS (--target aws): starts the deployed state machine and follows it until it ends.
  --state-machine-arn ARN   default arn:aws:states:<dr region>:<plan deployment.account>:
                            stateMachine:<plan name>-failover (the name the CDK app deploys)
  --region REGION           default: the plan's DR region
  --confirm PLAN_NAME       required with --mode failover: the plan's name, typed out
  --poll-seconds N          wall seconds between two reads of the execution (default 5)
  Credentials come from the SDK's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/
  AWS_SECRET_ACCESS_KEY, SSO, an instance or task role).
  -h, --help                this help`;

const OPTIONS = {
  plan: { type: 'string' },
  mode: { type: 'string' },
  fault: { type: 'string', multiple: true },
  scale: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'string' },
  target: { type: 'string' },
  'state-machine-arn': { type: 'string' },
  region: { type: 'string' },
  confirm: { type: 'string' },
  'poll-seconds': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function choice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new InvalidInputError(`--${flag}: expected one of ${allowed.join(', ')}, found "${value}"`, flag);
  }
  return value as T;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('drill', args, OPTIONS, HELP);
  if ('exitCode' in parsed) return parsed.exitCode;
  const values = parsed.values;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  return guarded('drill', async () => {
    const target = choice('target', values.target, ['local', 'aws'] as const, 'local');
    const mode = choice(
      'mode',
      values.mode,
      ['failover', 'dry-run'] as const,
      target === 'aws' ? 'dry-run' : 'failover',
    );
    const scale = integerOption('scale', values.scale, 1, 100_000);
    const seed = integerOption('seed', values.seed, 0, 2 ** 31 - 1);
    const planFile = values.plan ?? 'drctl.plan.yaml';
    const plan = loadPlanFile(planFile);
    const style = createStyle(process.stdout.isTTY === true);
    const progress = new Progress(process.stdout, style, 0);

    let report: RunReport;
    if (target === 'aws') {
      for (const [flag, given] of [
        ['fault', values.fault],
        ['scale', values.scale],
        ['seed', values.seed],
      ] as const) {
        if (given !== undefined)
          throw new InvalidInputError(`--${flag} applies to the local world only`, flag);
      }
      if (mode === 'failover' && values.confirm !== plan.name) {
        console.error(
          `drctl drill: refusing a real failover on AWS without confirmation: add --confirm ${plan.name} (the plan's name)${
            values.confirm === undefined ? '' : `; "${values.confirm}" is not the plan's name`
          }. Without --mode failover the drill is a dry run and changes nothing.`,
        );
        return USAGE_ERROR;
      }
      const { runAwsDrill } = await import('../drill/aws-drill.ts');
      report = await runAwsDrill({
        plan,
        mode,
        progress,
        ...(values['state-machine-arn'] === undefined
          ? {}
          : { stateMachineArn: values['state-machine-arn'] }),
        ...(values.region === undefined ? {} : { region: values.region }),
        pollMs: (integerOption('poll-seconds', values['poll-seconds'], 1, 300) ?? 5) * 1000,
      });
    } else {
      for (const flag of ['state-machine-arn', 'region', 'confirm', 'poll-seconds'] as const) {
        if (values[flag] !== undefined)
          throw new InvalidInputError(`--${flag} applies to --target aws only`, flag);
      }
      const faults = parseFaults(values.fault ?? [], plan);
      progress.note(
        `drctl drill: plan ${plan.name} (${planFile}), ${mode}${faults.length > 0 ? `, faults: ${faults.map((f) => f.text).join(', ')}` : ''}`,
      );
      const { runLocalDrill } = await import('../drill/local-drill.ts');
      ({ report } = await runLocalDrill({
        plan,
        mode,
        faults,
        progress,
        ...(scale === undefined ? {} : { scale }),
        ...(seed === undefined ? {} : { seed }),
      }));
    }
    // The report views load only once a run has produced a report.
    const { drillExitCode, writeReportFiles } = await import('../drill/outputs.ts');
    const { renderSummary } = await import('../terminal/summary.ts');
    // The world is closed by now: Date is the real clock again.
    const jsonPath = values.json ?? `reports/drill-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    const files = writeReportFiles(report, jsonPath);
    console.log(`\n${renderSummary(report, style, files)}`);
    return drillExitCode(report);
  });
}
