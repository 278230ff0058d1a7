import { basename, dirname, join } from 'node:path';
import { InvalidInputError } from '../../plan/errors.ts';
import { writeHtmlReport } from '../../report/html.ts';
import type { RunReport } from '../../report/schema.ts';
import { writeRunReportJson } from '../../report/write-json.ts';
import { faultHelp, parseFaults } from '../drill/faults.ts';
import { DrillInterruptedError, interruptionLine } from '../drill/interrupted.ts';
import { WORLD_SCALE_RANGE } from '../local/scale.ts';
import { guarded, integerOption, parseCommandArgs, USAGE_ERROR } from '../terminal/args.ts';
import { interruptExitCode, watchInterrupts } from '../terminal/interrupt.ts';
import { checkOutputFile, writeOrExplain } from '../terminal/output-paths.ts';
import { DEFAULT_PLAN_FILE, loadCommandPlan } from '../terminal/plan-file.ts';
import { Progress } from '../terminal/progress.ts';
import { safeMessage, safeText, terminalSafe } from '../terminal/safe-text.ts';
import { createStyle } from '../terminal/style.ts';

export const usage =
  'drill [--plan FILE] [--mode failover|dry-run|drill] [--fault NAME[=VALUE]]... [--target local|aws]';

const HELP = `usage: drctl drill [options]

Runs a disaster-recovery drill and leaves its evidence (JSON report, HTML page).

Local world (default): seeds a simulated two-region AWS from the plan, starts the write stream,
injects a primary-region outage and follows the unattended failover (health checks, alarm,
state machine) with live progress in simulated time.

--mode drill runs the drill state machine instead (<plan>-drill): copies of the DR replicas
(cascading read replicas) are promoted, the DR services scaled, the drill name (drills.recordName)
switched and verified, then everything is cleaned up; production is never touched.

Exit status: 0 when it failed over within the plan's RTO and RPO objectives (a dry run: when a
failover would proceed; a drill: when it met both objectives and cleaned up); 1 when it failed, missed an objective, or made no change (skipped by
the one-failover-at-a-time lock, stood down because the primary answered again, denied, or no
decision in time); 2 on bad input (nothing runs).

options:
  --plan FILE               recovery plan (default ./drctl.plan.yaml)
  --mode MODE               failover (local default), dry-run (preflight only: shows what
                            would change, changes nothing; the AWS default) or drill (on
                            copies, production untouched; measures RTO and RPO, cleans up)
  --fault NAME[=VALUE]      add a fault to the local world (repeatable):
${faultHelp()
  .split('\n')
  .map((line) => `    ${line}`)
  .join('\n')}
  --scale N                 simulated seconds per wall second (local, default 200, at most 1000)
  --seed N                  seed of the world's random choices (local, default 1)
  --json FILE               JSON report path (default reports/drill-<timestamp>.json); the HTML
                            page is written next to it
  --target local|aws        where to drill (default local)

AWS (--target aws): starts the deployed state machine and follows it until it ends.
  --state-machine-arn ARN   default arn:aws:states:<dr region>:<plan deployment.account>:
                            stateMachine:<plan name>-failover, or <plan name>-drill with
                            --mode drill (the names the CDK app deploys)
  --region REGION           default: the plan's DR region
  --confirm PLAN_NAME       required with --mode failover: the plan's name, typed out (a
                            drill needs none: it touches no production resource)
  --poll-seconds N          wall seconds between two reads of the execution (default 5)
  Credentials come from the SDK's default chain (AWS_PROFILE, AWS_ACCESS_KEY_ID/
  AWS_SECRET_ACCESS_KEY, SSO, an instance or task role).
  -h, --help                this help

Ctrl-C (or SIGTERM) stops the drill: it prints what was running and what had changed, closes
the local world (leaving no temp files), writes the partial report when an execution had
started, and exits 130 (143 for SIGTERM). On AWS the execution itself goes on.`;

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
    throw new InvalidInputError(
      `--${flag}: expected one of ${allowed.join(', ')}, found "${safeText(value)}"`,
      flag,
    );
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
      ['failover', 'dry-run', 'drill'] as const,
      target === 'aws' ? 'dry-run' : 'failover',
    );
    const scale = integerOption('scale', values.scale, WORLD_SCALE_RANGE.min, WORLD_SCALE_RANGE.max);
    const seed = integerOption('seed', values.seed, 0, 2 ** 31 - 1);
    const pollSeconds = integerOption('poll-seconds', values['poll-seconds'], 1, 300);
    const planFile = values.plan ?? DEFAULT_PLAN_FILE;
    const plan = loadCommandPlan('drill', planFile);
    // The report's place is checked before anything runs: a real failover must not end in a
    // stack trace about a path.
    const jsonPath = values.json ?? `reports/drill-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
    const reportFiles = reportPaths(jsonPath);
    checkOutputFile(
      values.json === undefined ? 'the reports folder' : '--json',
      reportFiles.json,
      'report.json',
    );
    checkOutputFile(
      values.json === undefined ? 'the reports folder' : '--json (its HTML page)',
      reportFiles.html,
      'report.html',
    );
    const style = createStyle(process.stdout.isTTY === true);
    const progress = new Progress(process.stdout, style, 0);

    let report: RunReport;
    const interrupts = watchInterrupts();
    try {
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
              values.confirm === undefined ? '' : `; "${safeText(values.confirm)}" is not the plan's name`
            }. Without --mode failover the drill is a dry run and changes nothing.`,
          );
          return USAGE_ERROR;
        }
        const { runAwsDrill } = await import('../drill/aws-drill.ts');
        report = await runAwsDrill({
          plan,
          mode,
          progress,
          interrupts,
          ...(values['state-machine-arn'] === undefined
            ? {}
            : { stateMachineArn: values['state-machine-arn'] }),
          ...(values.region === undefined ? {} : { region: values.region }),
          pollMs: (pollSeconds ?? 5) * 1000,
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
          interrupts,
          ...(scale === undefined ? {} : { scale }),
          ...(seed === undefined ? {} : { seed }),
        }));
      }
    } catch (error) {
      if (!(error instanceof DrillInterruptedError)) throw error;
      return interrupted(error, reportFiles);
    } finally {
      interrupts.dispose();
    }
    // The report views load only once a run has produced a report.
    const { drillExitCode } = await import('../drill/outputs.ts');
    const { renderSummary } = await import('../terminal/summary.ts');
    const files = writeReports(report, reportFiles);
    console.log(`\n${renderSummary(terminalSafe(report), style, files.map(safeText))}`);
    const { evidenceLine } = await import('../drill/evidence-location.ts');
    const evidence = evidenceLine(plan, report);
    if (evidence) console.log(safeText(evidence));
    return drillExitCode(report);
  });
}

/** The partial report (when an execution had started), the one line, and 128 + the signal. */
function interrupted(error: DrillInterruptedError, files: { json: string; html: string }): number {
  let written: string[] = [];
  if (error.report) {
    try {
      written = writeReports(error.report, files);
    } catch (writeError) {
      console.error(`drctl drill: ${safeMessage((writeError as Error).message)}`);
    }
  }
  console.error(`\n${safeMessage(interruptionLine(error, written))}`);
  return interruptExitCode(error.signal);
}

function reportPaths(jsonPath: string): { json: string; html: string } {
  return {
    json: jsonPath,
    html: join(dirname(jsonPath), `${basename(jsonPath).replace(/\.json$/i, '')}.html`),
  };
}

function writeReports(report: RunReport, files: { json: string; html: string }): string[] {
  writeOrExplain(files.json, () => writeRunReportJson(report, files.json));
  writeOrExplain(files.html, () => writeHtmlReport(report, files.html));
  return [files.json, files.html];
}
