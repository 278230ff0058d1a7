import {
  type JudgedCall,
  judgeReadiness,
  type ReadinessVerdict,
} from '../../statemachines/readiness-verdict.ts';
import { guarded, parseCommandArgs } from '../terminal/args.ts';
import { loadCommandPlan, PLAN_REPORT_OPTIONS } from '../terminal/plan-file.ts';
import { safeJson } from '../terminal/safe-text.ts';
import { createStyle, type Style } from '../terminal/style.ts';

export const usage = 'readiness [--plan FILE] [--json]';

const HELP = `usage: drctl readiness [options]

Prints each recovery step of the plan's failover, what it calls and where, and whether that
survives the loss of the primary region (an outage of us-east-1 also takes the Route 53 API and
us-east-1's CloudWatch). Reads only the plan: no AWS call, no credentials.

Exit status: 0 when every required dependency and at least one detection path survive, 1 when
not (the reason is printed), 2 for bad input.

options:
  --plan FILE   recovery plan (default ./drctl.plan.yaml)
  --json        print the verdict as JSON
  -h, --help    this help`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('readiness', args, PLAN_REPORT_OPTIONS, HELP);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  return guarded('readiness', async () => {
    const verdict = judgeReadiness(loadCommandPlan('readiness', values.plan));
    if (values.json) console.log(safeJson(verdict));
    else console.log(render(verdict, createStyle(process.stdout.isTTY === true)));
    return verdict.ready ? 0 : 1;
  });
}

export function render(verdict: ReadinessVerdict, style: Style): string {
  const lost = verdict.primaryRegion;
  const lines = [
    style.bold(
      `drctl readiness: plan ${verdict.plan}, ${verdict.primaryRegion} → ${verdict.drRegion}, dns.strategy ${verdict.strategy}`,
    ),
    '',
    `Recovery path: what each step calls, and whether it survives the loss of ${lost}`,
  ];
  for (const step of verdict.steps) {
    lines.push(`  ${step.step} ${style.dim(`(${step.by})`)}`);
    for (const call of step.calls) lines.push(`    ${callLine(call, style)}`);
  }
  lines.push('', 'Detection: what starts the failover');
  for (const path of verdict.detection) {
    lines.push(
      `  ${path.survives ? style.green('✔') : style.yellow('✘')} ${path.path}: ${path.survives ? 'survives' : `lost with ${lost}`}`,
    );
    for (const call of path.calls) lines.push(`    ${callLine(call, style)}`);
  }
  lines.push('');
  if (verdict.ready) {
    lines.push(
      style.green(
        `READY: every required dependency of the recovery survives the loss of ${lost}, and a detection path does.`,
      ),
    );
  } else {
    lines.push(style.red(`NOT READY: the recovery would not survive the loss of ${lost}:`));
    for (const blocker of verdict.blockers) lines.push(`  - ${blocker}`);
  }
  return lines.join('\n');
}

function callLine(call: JudgedCall, style: Style): string {
  const mark = call.survives ? style.green('✔') : call.required ? style.red('✘') : style.yellow('✘');
  const need = call.required ? 'required' : 'best effort';
  return `${mark} ${call.service.padEnd(10)} ${call.region.padEnd(10)} ${call.operations.join(', ')} ${style.dim(`— ${call.what}; ${need}`)}`;
}
