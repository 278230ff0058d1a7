import { userInfo } from 'node:os';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { type DecisionDocument, decisionDocumentSchema } from '../../functions/shared/decision.ts';
import { InvalidInputError } from '../../plan/errors.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { ACCEPT_UNKNOWN_DATA_LOSS, failoverStateMachineName } from '../../plan/names.ts';
import type { Plan } from '../../plan/schema.ts';
import { findWaitingRun, type WaitingRun } from '../decision/waiting-run.ts';
import { writeDecision } from '../decision/write-decision.ts';
import { ensureCredentials } from '../drill/credentials.ts';
import { guarded, integerOption, parseCommandArgs } from '../terminal/args.ts';

const OPTIONS = {
  plan: { type: 'string' },
  reason: { type: 'string' },
  as: { type: 'string' },
  'accept-data-loss': { type: 'string' },
  'accept-unknown-data-loss': { type: 'string' },
  endpoint: { type: 'string' },
  target: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export function help(verb: 'approve' | 'deny'): string {
  return `usage: drctl ${verb} <execution> --reason TEXT [options]

${verb === 'approve' ? 'Approves' : 'Denies'} a failover run that waits for a decision before the point of no return.
<execution> is the execution name (as in the notice) or its ARN. The decision is written once, to
the SSM parameter /drctl/<plan>/decisions/<execution> in the DR region; Parameter Store records who
wrote it. A run that has ended, or does not wait for a decision, is refused (exit 2).

options:
  --reason TEXT                 why (required; goes into the evidence and the notices)
  --as NAME                     who you are, for the evidence (default: your user name)${
    verb === 'approve'
      ? `
  --accept-data-loss SECONDS    accept up to this much data loss for this run only (the RPO guard's
                                budget otherwise); needed when the replica lag is over it
  --accept-unknown-data-loss "${ACCEPT_UNKNOWN_DATA_LOSS}"
                                accept a data loss nobody can measure (these exact words)`
      : ''
  }
  --endpoint URL                a running local world (drctl up), instead of AWS
  --target aws                  real AWS, through the SDK's default credentials (the default
                                when no --endpoint is given)
  --plan FILE                   recovery plan (default ./drctl.plan.yaml)
  -h, --help                    this help`;
}

/** drctl approve / drctl deny: one decision on one waiting run. */
export async function decide(verb: 'approve' | 'deny', args: string[]): Promise<number> {
  const positional = args[0] !== undefined && !args[0].startsWith('-');
  const execution = positional ? args[0] : undefined;
  const rest = positional ? args.slice(1) : args;
  const parsed = parseCommandArgs(verb, rest, OPTIONS, help(verb));
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  if (values.help) {
    console.log(help(verb));
    return 0;
  }
  return guarded(verb, async () => {
    if (execution === undefined)
      throw new InvalidInputError(
        `give the execution to ${verb} (its name or ARN)\n\n${help(verb)}`,
        'execution',
      );
    const plan = loadPlanFile(values.plan ?? 'drctl.plan.yaml');
    const document = decisionDocument(verb, values);
    const clients = await clientsFor(plan, values);
    const executionArn = executionArnOf(plan, execution, clients.account);
    const run = await findWaitingRun(clients.sfn, executionArn);
    if (verb === 'approve') checkAcceptance(run, document);
    const parameter = await writeDecision(clients.ssm, plan, run.name, document);
    console.log(
      `drctl ${verb}: ${verb === 'approve' ? 'approved' : 'denied'} ${run.name} (written to ${parameter} in ${plan.regions.dr}); the run acts on it at its next look (every ${plan.failover.approval.pollSeconds} s)`,
    );
    return 0;
  });
}

function decisionDocument(
  verb: 'approve' | 'deny',
  values: Record<string, string | boolean | undefined>,
): DecisionDocument {
  const seconds = integerOption(
    'accept-data-loss',
    values['accept-data-loss'] as string | undefined,
    0,
    86_400,
  );
  const words = values['accept-unknown-data-loss'] as string | undefined;
  if (verb === 'deny' && (seconds !== undefined || words !== undefined)) {
    throw new InvalidInputError(
      '--accept-data-loss and --accept-unknown-data-loss are for approve only',
      'accept-data-loss',
    );
  }
  if (words !== undefined && words !== ACCEPT_UNKNOWN_DATA_LOSS) {
    throw new InvalidInputError(
      `--accept-unknown-data-loss: type the exact words "${ACCEPT_UNKNOWN_DATA_LOSS}" (found "${words}")`,
      'accept-unknown-data-loss',
    );
  }
  const result = decisionDocumentSchema.safeParse({
    decision: verb,
    reason: values.reason,
    decidedBy: (values.as as string | undefined) ?? userInfo().username,
    ...(seconds === undefined ? {} : { acceptDataLossSeconds: seconds }),
    ...(words === undefined ? {} : { acceptUnknownDataLoss: words }),
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = String(issue?.path[0] ?? 'reason');
    const given = field === 'decidedBy' ? values.as : values[field];
    throw new InvalidInputError(optionProblem(verb, field, issue, given), field);
  }
  return result.data;
}

type SchemaIssue = { code: string; maximum?: unknown; message: string };

/**
 * What is wrong with an option, in the operator's words: the schema's own messages ("expected
 * string, received undefined") name neither the flag nor the fix.
 */
function optionProblem(
  verb: 'approve' | 'deny',
  field: string,
  issue: SchemaIssue | undefined,
  given: unknown,
): string {
  const option = `--${field === 'decidedBy' ? 'as' : field}`;
  const why =
    field === 'reason'
      ? `say why you ${verb} (it is recorded with the decision and goes into the notices)`
      : 'say who you are (for the evidence)';
  if (given === undefined) return `${option} is required: ${why}`;
  if (issue?.code === 'too_small') return `${option} must not be blank: ${why}`;
  if (issue?.code === 'too_big')
    return `${option} is too long: at most ${String(issue.maximum)} characters (found ${String(given).trim().length})`;
  return `${option}: ${issue?.message ?? 'invalid'}`;
}

/** Refuses an approval the run's own check would refuse, before writing anything. */
function checkAcceptance(run: WaitingRun, document: DecisionDocument): void {
  const rpo = run.rpo;
  if (rpo === null || rpo.verdict === 'within') return;
  if (rpo.verdict === 'unknown' && document.acceptUnknownDataLoss === undefined) {
    throw new InvalidInputError(
      `the replica lag of ${run.name} is unknown: approving it needs --accept-unknown-data-loss "${ACCEPT_UNKNOWN_DATA_LOSS}"`,
      'accept-unknown-data-loss',
    );
  }
  const worst = rpo.worstLagSeconds;
  if (worst !== null && worst > rpo.budgetSeconds && (document.acceptDataLossSeconds ?? -1) < worst) {
    throw new InvalidInputError(
      `the last replica lag of ${run.name} was ${worst} s, over the ${rpo.budgetSeconds} s budget: approving it needs --accept-data-loss ${worst} or more`,
      'accept-data-loss',
    );
  }
}

async function clientsFor(plan: Plan, values: Record<string, string | boolean | undefined>) {
  const endpoint = values.endpoint as string | undefined;
  if (values.target !== undefined && values.target !== 'aws') {
    throw new InvalidInputError(`--target: expected aws, found "${String(values.target)}"`, 'target');
  }
  if (endpoint !== undefined && values.target !== undefined)
    throw new InvalidInputError('--endpoint and --target aws exclude each other', 'endpoint');
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new InvalidInputError(
      `--endpoint: expected a URL like http://127.0.0.1:4566, found "${endpoint}"`,
      'endpoint',
    );
  }
  const region = plan.regions.dr;
  const local = endpoint
    ? { endpoint, credentials: { accessKeyId: 'AKIALOCALWORLD000000', secretAccessKey: 'local-world' } }
    : {};
  const sfn = new SFNClient({ region, ...local });
  const ssm = new SSMClient({ region, ...local });
  if (!endpoint) await ensureCredentials(sfn);
  return {
    sfn,
    ssm,
    account: endpoint ? (plan.deployment?.account ?? '111111111111') : plan.deployment?.account,
  };
}

/**
 * arn:<partition>:states:<region>:<account>:execution:<state machine>:<name>; names exclude
 * whitespace, brackets, wildcards and the characters "#%\^|~`$&,;:/ (Step Functions API
 * reference, StartExecution `name`), at most 80 characters.
 */
const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:execution:[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}:[^\s<>{}[\]?*"#%\\^|~`$&,;:/]{1,80}$/;

function executionArnOf(plan: Plan, execution: string, account: string | undefined): string {
  if (execution.startsWith('arn:')) return checkedExecutionArn(plan, execution);
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(execution)) {
    throw new InvalidInputError(
      `<execution>: expected an execution name or ARN, found "${execution}"`,
      'execution',
    );
  }
  if (!account) {
    throw new InvalidInputError(
      'cannot build the execution ARN: the plan has no deployment.account; give the execution ARN',
      'execution',
    );
  }
  return `arn:aws:states:${plan.regions.dr}:${account}:execution:${failoverStateMachineName(plan)}:${execution}`;
}

/** An ARN given by hand, refused before any call when it cannot name an execution of the plan. */
function checkedExecutionArn(plan: Plan, arn: string): string {
  const example = `arn:aws:states:${plan.regions.dr}:<account>:execution:${failoverStateMachineName(plan)}:<name>`;
  const match = EXECUTION_ARN.exec(arn);
  if (!match) {
    throw new InvalidInputError(
      `<execution>: "${arn}" is not a valid execution ARN: expected ${example}, or just the execution name (its last part, as drctl status and the decision notice show it)`,
      'execution',
    );
  }
  if (match[1] !== plan.regions.dr) {
    throw new InvalidInputError(
      `<execution>: "${arn}" is in ${match[1]}, but the plan's failover runs in its DR region ${plan.regions.dr}: expected ${example}`,
      'execution',
    );
  }
  return arn;
}
