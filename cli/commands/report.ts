import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../../plan/errors.ts';
import { fetchExecution } from '../../report/fetch-execution.ts';
import { plural } from '../../report/format.ts';
import { reportFromExecution } from '../../report/from-execution.ts';
import { buildHistoryView, type HistoryInput } from '../../report/history.ts';
import { writeHistoryHtml } from '../../report/history-html.ts';
import { writeHtmlReport } from '../../report/html.ts';
import { readRunReportFile } from '../../report/load.ts';
import { writeRunReportJson } from '../../report/write-json.ts';
import { credentialsError } from '../drill/credentials.ts';
import { isS3Url } from '../history/s3-location.ts';
import { guarded, integerOption, parseCommandArgs, USAGE_ERROR } from '../terminal/args.ts';
import { watchInterrupts } from '../terminal/interrupt.ts';
import { checkOutputFile, writeOrExplain } from '../terminal/output-paths.ts';
import { loadCommandPlan } from '../terminal/plan-file.ts';
import { safeMessage, safeText } from '../terminal/safe-text.ts';

export const usage =
  'report FILE.json [--out FILE.html] | --execution ARN [--region R] [--plan FILE] [--json FILE] | --history DIR|s3://BUCKET/PREFIX';

const HELP = `usage:
  drctl report FILE.json [--out FILE.html]
      Render a run's JSON report as a self-contained HTML page (default: next to the JSON).
  drctl report --execution ARN [--region REGION] [--plan drctl.plan.yaml] [--json FILE] [--out FILE.html]
      Build the report of a Step Functions execution from its history, write the JSON
      (default reports/<execution name>.json) and render it. The plan gives the objectives.
  drctl report --history DIR [--out FILE.html]
      Chart RTO and RPO of every run report (*.json) in DIR against the objectives
      (default DIR/history.html), and mark a trend that approaches an objective.
  drctl report --history s3://BUCKET/PREFIX [--region REGION] [--endpoint URL] [--max-reports N] [--out FILE.html]
      The same for the evidence bucket (ListObjectsV2 + GetObject of the .json reports under the
      prefix; the newest --max-reports, default 1000, at most 256 MiB). Credentials and region
      from the SDK's defaults (AWS_PROFILE, AWS_REGION, ...); --endpoint for the local world.
      Default page: reports/history-<bucket>.html.
Exit status: 0 written, 1 when AWS could not be read, 2 on bad input (an unreadable or invalid
report, a bad ARN, an output path that cannot be written).`;

const OPTIONS = {
  out: { type: 'string' },
  execution: { type: 'string' },
  region: { type: 'string' },
  plan: { type: 'string' },
  json: { type: 'string' },
  history: { type: 'string' },
  endpoint: { type: 'string' },
  'max-reports': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function withExtension(path: string, extension: string): string {
  return join(dirname(path), `${basename(path).replace(/\.json$/i, '')}${extension}`);
}

function renderFile(file: string, out: string | undefined): number {
  const htmlPath = out ?? withExtension(file, '.html');
  checkOutputFile(out === undefined ? 'the HTML page' : '--out', htmlPath, 'report.html');
  const report = readRunReportFile(file);
  writeOrExplain(htmlPath, () => writeHtmlReport(report, htmlPath));
  console.log(`drctl report: wrote ${safeText(htmlPath)}`);
  return 0;
}

async function renderExecution(
  arn: string,
  options: { region?: string; plan?: string; json?: string; out?: string },
): Promise<number> {
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
    throw new InvalidInputError(
      `--execution: expected a Step Functions execution ARN (arn:aws:states:<region>:<account>:execution:<state machine>:<name>), found "${safeText(arn)}"`,
      'execution',
    );
  }
  const region = options.region ?? arn.split(':')[3];
  const plan = loadCommandPlan('report', options.plan);
  const name = arn.split(':').at(-1) ?? 'execution';
  const jsonPath = options.json ?? join('reports', `${name}.json`);
  const htmlPath = options.out ?? withExtension(jsonPath, '.html');
  checkOutputFile(options.json === undefined ? 'the JSON report' : '--json', jsonPath, 'report.json');
  checkOutputFile(options.out === undefined ? 'the HTML page' : '--out', htmlPath, 'report.html');
  const client = new SFNClient({ region });
  const interrupts = watchInterrupts();
  try {
    // No credentials, or credentials AWS refuses: the same guide and exit status (2) as drill,
    // status and approve. The first call finds out; a read-only command has nothing to protect first.
    const record = await interrupts
      .race(fetchExecution(client, arn))
      .catch((error: unknown) => Promise.reject(rejectedCredentials(error) ?? error));
    const report = reportFromExecution(record, plan, region ? { region } : {});
    writeOrExplain(jsonPath, () => writeRunReportJson(report, jsonPath));
    writeOrExplain(htmlPath, () => writeHtmlReport(report, htmlPath));
    console.log(`drctl report: wrote ${safeText(jsonPath)} and ${safeText(htmlPath)}`);
    return 0;
  } finally {
    interrupts.dispose();
    client.destroy();
  }
}

/** A credentials failure of the read (none found, expired, unknown key), under the wrapper fetchExecution adds. */
function rejectedCredentials(error: unknown) {
  return credentialsError(error, '--execution') ?? credentialsError((error as Error).cause, '--execution');
}

function renderHistory(dir: string, out: string | undefined): number {
  const htmlPath = out ?? join(dir, 'history.html');
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((name) => name.toLowerCase().endsWith('.json'))
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new InvalidInputError(
      `--history: cannot read folder ${safeText(dir)}: ${code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'it is a file' : safeText((error as Error).message)}`,
      'history',
    );
  }
  checkOutputFile(out === undefined ? 'the history page' : '--out', htmlPath, 'history.html');
  const inputs: HistoryInput[] = [];
  for (const name of files) {
    const path = join(dir, name);
    try {
      const htmlName = withExtension(name, '.html');
      inputs.push({
        file: name,
        htmlFile: existsSync(join(dir, htmlName)) ? htmlName : null,
        report: readRunReportFile(path),
      });
    } catch (error) {
      // One unreadable file must not hide the others; say which and why.
      console.error(
        `drctl report: skipped ${safeMessage((error as Error).message.split('\n').slice(0, 2).join(' '))}`,
      );
    }
  }
  if (inputs.length === 0) {
    throw new InvalidInputError(`--history: no valid run report (*.json) in ${safeText(dir)}`, 'history');
  }
  writeOrExplain(htmlPath, () => writeHistoryHtml(buildHistoryView(inputs), htmlPath));
  console.log(`drctl report: wrote ${safeText(htmlPath)} (${plural(inputs.length, 'run')})`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseCommandArgs('report', args, OPTIONS, HELP, { positionals: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const modes = [positionals.length > 0, values.execution !== undefined, values.history !== undefined].filter(
    Boolean,
  );
  if (modes.length !== 1 || positionals.length > 1) {
    console.error(`drctl report: give exactly one of FILE.json, --execution ARN or --history DIR\n\n${HELP}`);
    return USAGE_ERROR;
  }
  return guarded('report', async () => {
    const onlyWith = (flag: 'region' | 'plan' | 'json' | 'endpoint' | 'max-reports', mode: string) => {
      if (values[flag] !== undefined) throw new InvalidInputError(`--${flag} applies to ${mode} only`, flag);
    };
    if (values.execution !== undefined) {
      return renderExecution(values.execution, {
        ...(values.region === undefined ? {} : { region: values.region }),
        ...(values.plan === undefined ? {} : { plan: values.plan }),
        ...(values.json === undefined ? {} : { json: values.json }),
        ...(values.out === undefined ? {} : { out: values.out }),
      });
    }
    if (values.history !== undefined && isS3Url(values.history)) {
      for (const flag of ['plan', 'json'] as const) onlyWith(flag, '--execution');
      const maxReports = integerOption('max-reports', values['max-reports'], 1, 10_000);
      const { renderS3History } = await import('../history/s3-history.ts');
      return renderS3History({
        url: values.history,
        ...(values.out === undefined ? {} : { out: values.out }),
        ...(values.region === undefined ? {} : { region: values.region }),
        ...(values.endpoint === undefined ? {} : { endpoint: values.endpoint }),
        ...(maxReports === undefined ? {} : { limits: { maxReports } }),
      });
    }
    for (const flag of ['region', 'plan', 'json'] as const) onlyWith(flag, '--execution or --history s3://');
    for (const flag of ['endpoint', 'max-reports'] as const) onlyWith(flag, '--history s3://');
    if (values.history !== undefined) return renderHistory(values.history, values.out);
    return renderFile(positionals[0] as string, values.out);
  });
}
