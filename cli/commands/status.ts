import { InvalidInputError } from '../../plan/errors.ts';
import { WORLD_SCALE_RANGE } from '../local/scale.ts';
import { removeWorldTempFolder } from '../local/world-temp.ts';
import { guarded, integerOption, parseCommandArgs } from '../terminal/args.ts';
import { watchInterrupts } from '../terminal/interrupt.ts';
import { loadCommandPlan } from '../terminal/plan-file.ts';
import { safeJson, safeText, terminalSafe } from '../terminal/safe-text.ts';
import { createStyle } from '../terminal/style.ts';

export const usage =
  'status [--plan FILE] [--endpoint URL [--dns-resolver HOST:PORT] | --target aws] [--json]';

const HELP = `usage: drctl status [options]

Shows the plan's resources and their state: where traffic goes (the traffic gate in the DR
region, what DNS answers for the public record, its record sets through the Route 53 API), both
detection alarms (fast path in us-east-1, DR-side probe in the DR region), databases (primary,
replica), services (desired / running / pending in both regions), the fencing of the old primary
once failed over (its services' desired count, its databases' read-only parameter; "unknown"
when its region does not answer), health checks, alarms, runs waiting for a decision (with the
drctl approve / deny commands to run) and the last failover executions.

Where (default: a fresh local world seeded from the plan, read after a short settling time):
  --endpoint URL            a running \`drctl up\` world (its endpoint line)
  --dns-resolver HOST:PORT  with --endpoint: the world's DNS server (drctl up prints
                            DRCTL_DNS_RESOLVER; default: that variable, else unknown)
  --target aws              real AWS, through the SDK's default credentials (DNS through the
                            system resolver)
  --state-machine-arn ARN   for the executions (default: derived from the plan, as for drill)

options:
  --plan FILE   recovery plan (default ./drctl.plan.yaml)
  --json        print the status as JSON
  --scale N     fresh local world only: simulated seconds per wall second (default 200)
  -h, --help    this help

Exit status: 0 when the resources could be read (some may be unreachable), 1 when nothing
answered, 2 on bad input.`;

const OPTIONS = {
  plan: { type: 'string' },
  endpoint: { type: 'string' },
  target: { type: 'string' },
  'state-machine-arn': { type: 'string' },
  'dns-resolver': { type: 'string' },
  json: { type: 'boolean' },
  scale: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Simulated seconds a fresh world runs before it is read: health checks and alarms have a state. */
const SETTLE_SECONDS = 120;
const LOCAL_CREDENTIALS = { accessKeyId: 'AKIALOCALWORLD000000', secretAccessKey: 'local-world' };

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('status', args, OPTIONS, HELP);
  if ('exitCode' in parsed) return parsed.exitCode;
  const values = parsed.values;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  return guarded('status', async () => {
    if (values.target !== undefined && values.target !== 'aws' && values.target !== 'local') {
      throw new InvalidInputError(`--target: expected local or aws, found "${values.target}"`, 'target');
    }
    const aws = values.target === 'aws';
    if (aws && values.endpoint !== undefined) {
      throw new InvalidInputError('--endpoint and --target aws exclude each other', 'endpoint');
    }
    if (values.endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(values.endpoint)) {
      throw new InvalidInputError(
        `--endpoint: expected a URL like http://127.0.0.1:4566, found "${safeText(values.endpoint)}"`,
        'endpoint',
      );
    }
    if (values['dns-resolver'] !== undefined && values.endpoint === undefined) {
      throw new InvalidInputError('--dns-resolver applies to --endpoint only', 'dns-resolver');
    }
    const dnsResolver =
      values['dns-resolver'] ?? (values.endpoint ? process.env.DRCTL_DNS_RESOLVER : undefined);
    if (dnsResolver !== undefined && !/^[A-Za-z0-9.-]+:\d{1,5}$/.test(dnsResolver)) {
      throw new InvalidInputError(
        `--dns-resolver: expected HOST:PORT like 127.0.0.1:5353, found "${safeText(dnsResolver)}"`,
        'dns-resolver',
      );
    }
    if (values.scale !== undefined && (aws || values.endpoint !== undefined)) {
      throw new InvalidInputError('--scale applies to a fresh local world only', 'scale');
    }
    const scale = integerOption('scale', values.scale, WORLD_SCALE_RANGE.min, WORLD_SCALE_RANGE.max);
    const plan = loadCommandPlan('status', values.plan);
    const planFile = values.plan === undefined ? {} : { planFile: values.plan };
    const { readPlanStatus } = await import('../drill/read-status.ts');
    const { derivedStateMachineArn } = await import('../drill/aws-drill.ts');
    const derived = (region: string, account?: string) => {
      if (values['state-machine-arn'] !== undefined) return values['state-machine-arn'];
      try {
        return derivedStateMachineArn(
          account ? { ...plan, deployment: { ...plan.deployment, account } as typeof plan.deployment } : plan,
          region,
        );
      } catch {
        return undefined;
      }
    };

    let status: Awaited<ReturnType<typeof readPlanStatus>>;
    let where: string;
    const interrupts = watchInterrupts();
    try {
      if (aws) {
        const { SFNClient } = await import('@aws-sdk/client-sfn');
        const { ensureCredentials } = await import('../drill/credentials.ts');
        const probe = new SFNClient({ region: plan.regions.dr });
        try {
          await ensureCredentials(probe);
        } finally {
          probe.destroy();
        }
        status = await interrupts.race(readPlanStatus(plan, { ...planFile }, derived(plan.regions.dr)));
        where = 'AWS';
      } else if (values.endpoint !== undefined) {
        status = await interrupts.race(
          readPlanStatus(
            plan,
            {
              endpoint: values.endpoint,
              credentials: LOCAL_CREDENTIALS,
              ...(dnsResolver === undefined ? {} : { dnsResolver }),
              ...planFile,
            },
            derived(plan.regions.dr, '111111111111'),
          ),
        );
        where = `local world at ${values.endpoint}`;
      } else {
        const { startWorld } = await import('../../local/index.ts');
        const world = await startWorld({ plan, ...(scale === undefined ? {} : { scale }) });
        // A second Ctrl-C leaves at once; the world's temp folder goes with it.
        const removeForce = interrupts.onForce(() => removeWorldTempFolder(world));
        try {
          await interrupts.race(world.runFor(SETTLE_SECONDS));
          status = await interrupts.race(
            readPlanStatus(
              plan,
              {
                endpoint: world.endpoint,
                credentials: LOCAL_CREDENTIALS,
                dnsResolver: world.dnsResolver,
                ...planFile,
              },
              world.stepFunctions.stateMachineArn,
            ),
          );
        } finally {
          removeForce();
          await world.close();
        }
        where = 'fresh local world';
      }
    } finally {
      interrupts.dispose();
    }
    if (values.json) console.log(safeJson(status));
    else {
      const { renderStatus } = await import('../terminal/status-view.ts');
      console.log(
        renderStatus(terminalSafe(status), safeText(where), createStyle(process.stdout.isTTY === true)),
      );
    }
    const { statusAnswers } = await import('../drill/read-status.ts');
    const answers = statusAnswers(status);
    if (answers.answered === 0) {
      console.error(
        `drctl status: nothing answered at ${safeText(where)}: all ${answers.total} readings failed (first: ${safeText(answers.firstError ?? 'unknown')})`,
      );
      return 1;
    }
    return 0;
  });
}
