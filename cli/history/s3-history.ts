import { S3Client } from '@aws-sdk/client-s3';
import { InvalidInputError } from '../../plan/errors.ts';
import { plural } from '../../report/format.ts';
import { buildHistoryView } from '../../report/history.ts';
import { writeHistoryHtml } from '../../report/history-html.ts';
import { ensureCredentials } from '../drill/credentials.ts';
import { watchInterrupts } from '../terminal/interrupt.ts';
import { checkOutputFile, writeOrExplain } from '../terminal/output-paths.ts';
import { safeMessage, safeText } from '../terminal/safe-text.ts';
import { parseS3Url, s3Url } from './s3-location.ts';
import { readS3Reports, type S3HistoryLimits } from './s3-reports.ts';

/**
 * `drctl report --history s3://BUCKET/PREFIX`: the evidence bucket's run reports charted like a
 * folder's. Region and credentials come from the SDK's defaults (AWS_REGION, AWS_PROFILE, ...),
 * `--region` and `--endpoint` (the local world, an S3-compatible store) override them.
 */
export interface S3HistoryOptions {
  url: string;
  out?: string;
  region?: string;
  endpoint?: string;
  limits?: Partial<S3HistoryLimits>;
}

export async function renderS3History(options: S3HistoryOptions): Promise<number> {
  const location = parseS3Url(options.url);
  if (options.endpoint !== undefined && !/^https?:\/\/[^\s/]+(\/.*)?$/.test(options.endpoint)) {
    throw new InvalidInputError(
      `--endpoint: expected an http(s) URL such as http://127.0.0.1:4566, found "${safeText(options.endpoint)}"`,
      'endpoint',
    );
  }
  const htmlPath = options.out ?? `reports/history-${location.bucket}.html`;
  checkOutputFile(options.out === undefined ? 'the history page' : '--out', htmlPath, 'history.html');
  const s3 = new S3Client({
    ...(options.region ? { region: options.region } : {}),
    ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
    // A bucket in another region answers 301: the SDK asks again in the bucket's region.
    followRegionRedirects: true,
  });
  const interrupts = watchInterrupts();
  try {
    const region = await regionOf(s3);
    await interrupts.race(ensureCredentials(s3, '--history'));
    // Links to the pages in the S3 console (AWS only: the console cannot open another endpoint).
    const link = options.endpoint
      ? undefined
      : (key: string) =>
          `https://s3.console.aws.amazon.com/s3/object/${location.bucket}?region=${region}&prefix=${encodeURIComponent(key)}`;
    const history = await interrupts.race(
      readS3Reports(s3, location, {
        ...(options.limits ? { limits: options.limits } : {}),
        ...(link ? { link } : {}),
      }),
    );
    for (const skipped of history.skipped) console.error(`drctl report: skipped ${safeMessage(skipped)}`);
    for (const note of history.notes) console.error(`drctl report: ${safeMessage(note)}`);
    if (history.inputs.length === 0) {
      throw new InvalidInputError(
        `--history: no valid run report (*.json) under ${s3Url(location)} (${history.listed} objects listed); the evidence function writes them under runs/<state machine>/<yyyy>/<mm>/`,
        'history',
      );
    }
    writeOrExplain(htmlPath, () => writeHistoryHtml(buildHistoryView(history.inputs), htmlPath));
    console.log(
      `drctl report: wrote ${safeText(htmlPath)} (${plural(history.inputs.length, 'run')} from ${safeText(s3Url(location))})`,
    );
    return 0;
  } finally {
    interrupts.dispose();
    s3.destroy();
  }
}

async function regionOf(s3: S3Client): Promise<string> {
  try {
    return await s3.config.region();
  } catch {
    throw new InvalidInputError(
      "--history: no AWS region: give --region (the evidence bucket is in the plan's DR region) or set AWS_REGION",
      'region',
    );
  }
}
