import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SFNClient } from '@aws-sdk/client-sfn';
import { InvalidInputError } from '../../plan/errors.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { fetchExecution } from '../report/fetch-execution.ts';
import { reportFromExecution } from '../report/from-execution.ts';
import { buildHistoryView, type HistoryInput } from '../report/history.ts';
import { writeHistoryHtml } from '../report/history-html.ts';
import { writeHtmlReport } from '../report/html.ts';
import { readRunReportFile } from '../report/load.ts';
import { writeRunReportJson } from '../report/write-json.ts';

export const usage =
  'report FILE.json [--out FILE.html] | --execution ARN [--region R] [--plan FILE] [--json FILE] | --history DIR';

const HELP = `usage:
  drctl report FILE.json [--out FILE.html]
      Render a run's JSON report as a self-contained HTML page (default: next to the JSON).
  drctl report --execution ARN [--region REGION] [--plan drctl.plan.yaml] [--json FILE] [--out FILE.html]
      Build the report of a Step Functions execution from its history, write the JSON
      (default reports/<execution name>.json) and render it. The plan gives the objectives.
  drctl report --history DIR [--out FILE.html]
      Chart RTO and RPO of every run report (*.json) in DIR against the objectives
      (default DIR/history.html).`;

const OPTIONS = {
  out: { type: 'string' },
  execution: { type: 'string' },
  region: { type: 'string' },
  plan: { type: 'string' },
  json: { type: 'string' },
  history: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function withExtension(path: string, extension: string): string {
  return join(dirname(path), `${basename(path).replace(/\.json$/i, '')}${extension}`);
}

function renderFile(file: string, out: string | undefined): number {
  const report = readRunReportFile(file);
  const htmlPath = out ?? withExtension(file, '.html');
  writeHtmlReport(report, htmlPath);
  console.log(`drctl report: wrote ${htmlPath}`);
  return 0;
}

async function renderExecution(
  arn: string,
  options: { region?: string; plan?: string; json?: string; out?: string },
): Promise<number> {
  if (!/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn)) {
    throw new InvalidInputError(
      `--execution: expected a Step Functions execution ARN, found "${arn}"`,
      'execution',
    );
  }
  const region = options.region ?? arn.split(':')[3];
  const plan = loadPlanFile(options.plan ?? 'drctl.plan.yaml');
  const client = new SFNClient({ region });
  const record = await fetchExecution(client, arn);
  const report = reportFromExecution(record, plan, region ? { region } : {});
  const jsonPath = options.json ?? join('reports', `${report.execution.name}.json`);
  const htmlPath = options.out ?? withExtension(jsonPath, '.html');
  writeRunReportJson(report, jsonPath);
  writeHtmlReport(report, htmlPath);
  console.log(`drctl report: wrote ${jsonPath} and ${htmlPath}`);
  return 0;
}

function renderHistory(dir: string, out: string | undefined): number {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((name) => name.toLowerCase().endsWith('.json'))
      .sort();
  } catch (error) {
    throw new InvalidInputError(
      `--history: cannot read folder ${dir}: ${(error as Error).message}`,
      'history',
    );
  }
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
      console.error(`drctl report: skipped ${(error as Error).message.split('\n').slice(0, 2).join(' ')}`);
    }
  }
  if (inputs.length === 0) {
    throw new InvalidInputError(`--history: no valid run report (*.json) in ${dir}`, 'history');
  }
  const htmlPath = out ?? join(dir, 'history.html');
  writeHistoryHtml(buildHistoryView(inputs), htmlPath);
  console.log(`drctl report: wrote ${htmlPath} (${inputs.length} runs)`);
  return 0;
}

export async function run(args: string[]): Promise<number> {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: true }>
  >;
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    console.error(`drctl report: ${(error as Error).message}\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const modes = [positionals.length > 0, values.execution !== undefined, values.history !== undefined].filter(
    Boolean,
  );
  if (modes.length !== 1 || positionals.length > 1) {
    console.error(`drctl report: give exactly one of FILE.json, --execution ARN or --history DIR\n${HELP}`);
    return 2;
  }
  if (values.execution !== undefined) {
    return renderExecution(values.execution, {
      ...(values.region === undefined ? {} : { region: values.region }),
      ...(values.plan === undefined ? {} : { plan: values.plan }),
      ...(values.json === undefined ? {} : { json: values.json }),
      ...(values.out === undefined ? {} : { out: values.out }),
    });
  }
  if (values.history !== undefined) return renderHistory(values.history, values.out);
  return renderFile(positionals[0] as string, values.out);
}
