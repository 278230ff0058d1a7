import { InvalidPlanError } from '../../plan/errors.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { planWarnings } from '../../plan/warnings.ts';
import { guarded, parseCommandArgs, USAGE_ERROR } from '../terminal/args.ts';
import { DEFAULT_PLAN_FILE, PLAN_REPORT_OPTIONS, printPlanWarnings } from '../terminal/plan-file.ts';
import { safeJson, safeText } from '../terminal/safe-text.ts';

export const usage = 'validate [--plan FILE] [--json]';

const HELP = `usage: drctl validate [options]

Checks a recovery plan without deploying or running anything: its shape (the schema) and what
AWS would refuse at deploy or failover time (a CNAME at the zone apex, duplicate identifiers,
regions outside the aws partition, certificates, alarm windows, VPC blocks, stacks over 500
resources, an execution history over 25,000 events, ...). Every problem is reported at once,
each naming its field, what was found and what is allowed; then the plan's warnings.
Exit status: 0 valid (warnings included), 2 invalid or unreadable.

options:
  --plan FILE   recovery plan (default ./drctl.plan.yaml)
  --json        print { valid, plan, problems, warnings } as JSON
  -h, --help    this help`;

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('validate', args, PLAN_REPORT_OPTIONS, HELP);
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const file = values.plan ?? DEFAULT_PLAN_FILE;
  return guarded('validate', async () => {
    let plan: ReturnType<typeof loadPlanFile>;
    try {
      plan = loadPlanFile(file);
    } catch (error) {
      if (!(error instanceof InvalidPlanError) || !values.json) throw error;
      console.log(safeJson({ valid: false, plan: file, problems: problemsOf(error), warnings: [] }));
      return USAGE_ERROR;
    }
    const warnings = planWarnings(plan);
    if (values.json) {
      console.log(safeJson({ valid: true, plan: file, problems: [], warnings }));
      return 0;
    }
    console.log(
      `drctl validate: ${safeText(file)} is a valid recovery plan: ${plan.name}, ${plan.regions.primary} → ${plan.regions.dr}, ${plan.databases.length} database(s), ${plan.services.length} service(s), dns.strategy ${plan.dns.strategy}, failover.trigger ${plan.failover.trigger}`,
    );
    printPlanWarnings('validate', warnings);
    return 0;
  });
}

/** The loader's issues, or its one message when the file could not be read or parsed. */
function problemsOf(error: InvalidPlanError): { field: string | null; message: string }[] {
  if (error.issues.length === 0) return [{ field: null, message: error.message }];
  return error.issues.map((issue) => {
    const separator = issue.indexOf(': ');
    return separator === -1
      ? { field: null, message: issue }
      : { field: issue.slice(0, separator), message: issue.slice(separator + 2) };
  });
}
