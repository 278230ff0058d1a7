import {
  type _Object,
  GetObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { HistoryInput } from '../../report/history.ts';
import { parseRunReport, REPORT_SIZE_LIMIT_BYTES } from '../../report/load.ts';
import { safeMessage } from '../terminal/safe-text.ts';
import { s3HistoryError } from './s3-errors.ts';
import { type S3Location, s3Url } from './s3-location.ts';

/**
 * The run reports under an S3 prefix, for `drctl report --history s3://BUCKET/PREFIX`: every key
 * is listed (ListObjectsV2, page by page), the newest `.json` reports are read (GetObject), and
 * whatever is not a run report is skipped with a warning naming its key. Bounded: at most
 * `maxKeysListed` keys listed, `maxReports` reports and `maxBytes` bytes read; what is left out
 * is said, with how to narrow the prefix.
 */
export interface S3HistoryLimits {
  maxReports: number;
  maxBytes: number;
  maxKeysListed: number;
}

export const DEFAULT_S3_HISTORY_LIMITS: S3HistoryLimits = {
  maxReports: 1_000,
  maxBytes: 256 * 1024 * 1024,
  maxKeysListed: 100_000,
};

export interface S3History {
  inputs: HistoryInput[];
  /** What was left out and why (limits), for the operator. */
  notes: string[];
  /** Objects that were not run reports, or could not be read. */
  skipped: string[];
  listed: number;
}

const CONCURRENCY = 8;

export async function readS3Reports(
  s3: S3Client,
  location: S3Location,
  options: { limits?: Partial<S3HistoryLimits>; link?: (key: string) => string | null } = {},
): Promise<S3History> {
  const limits = { ...DEFAULT_S3_HISTORY_LIMITS, ...options.limits };
  const notes: string[] = [];
  const skipped: string[] = [];
  const { objects, truncated } = await listAll(s3, location, limits.maxKeysListed);
  if (truncated) {
    notes.push(
      `listed the first ${limits.maxKeysListed} keys under ${s3Url(location)} only: give a narrower prefix (e.g. runs/<state machine>/<year>/)`,
    );
  }
  const pages = new Set(objects.filter((o) => o.Key?.toLowerCase().endsWith('.html')).map((o) => o.Key));
  const candidates = objects
    .filter((o) => o.Key?.toLowerCase().endsWith('.json'))
    .sort(
      (a, b) =>
        (b.LastModified?.getTime() ?? 0) - (a.LastModified?.getTime() ?? 0) ||
        (b.Key ?? '').localeCompare(a.Key ?? ''),
    );
  const chosen: _Object[] = [];
  let bytes = 0;
  for (const object of candidates) {
    const size = object.Size ?? 0;
    if (size > REPORT_SIZE_LIMIT_BYTES) {
      skipped.push(
        `${s3Url(location, object.Key)}: ${size} bytes, over the ${REPORT_SIZE_LIMIT_BYTES / (1024 * 1024)} MiB of a run report`,
      );
      continue;
    }
    if (chosen.length >= limits.maxReports || bytes + size > limits.maxBytes) break;
    chosen.push(object);
    bytes += size;
  }
  const left = candidates.length - chosen.length - skipped.length;
  if (left > 0) {
    notes.push(
      `${candidates.length} .json objects under ${s3Url(location)}: charted the newest ${chosen.length} (at most ${limits.maxReports} reports and ${Math.round(limits.maxBytes / (1024 * 1024))} MiB); give a narrower prefix${chosen.length >= limits.maxReports ? ' or a larger --max-reports' : ''} to see older runs`,
    );
  }
  const inputs: HistoryInput[] = [];
  await inBatches(chosen, CONCURRENCY, async (object) => {
    const key = object.Key as string;
    const read = await readReport(s3, location, key);
    if ('skipped' in read) {
      skipped.push(read.skipped);
      return;
    }
    const htmlKey = key.replace(/\.json$/i, '.html');
    inputs.push({
      file: key,
      htmlFile: pages.has(htmlKey) ? (options.link?.(htmlKey) ?? null) : null,
      report: read.report,
    });
  });
  return { inputs, notes, skipped, listed: objects.length };
}

async function listAll(
  s3: S3Client,
  location: S3Location,
  maxKeys: number,
): Promise<{ objects: _Object[]; truncated: boolean }> {
  const objects: _Object[] = [];
  let token: string | undefined;
  do {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await s3.send(
        new ListObjectsV2Command({
          Bucket: location.bucket,
          ...(location.prefix ? { Prefix: location.prefix } : {}),
          ...(token ? { ContinuationToken: token } : {}),
          MaxKeys: 1_000,
        }),
      );
    } catch (error) {
      throw s3HistoryError(error, 'ListObjectsV2', location);
    }
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (objects.length >= maxKeys)
      return {
        objects: objects.slice(0, maxKeys),
        truncated: token !== undefined || objects.length > maxKeys,
      };
  } while (token);
  return { objects, truncated: false };
}

type Read = { report: HistoryInput['report'] } | { skipped: string };

async function readReport(s3: S3Client, location: S3Location, key: string): Promise<Read> {
  const where = s3Url(location, key);
  let text: string;
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }));
    if ((object.ContentLength ?? 0) > REPORT_SIZE_LIMIT_BYTES) {
      object.Body?.transformToWebStream().cancel();
      return { skipped: `${where}: over the ${REPORT_SIZE_LIMIT_BYTES / (1024 * 1024)} MiB of a run report` };
    }
    text = (await object.Body?.transformToString('utf-8')) ?? '';
  } catch (error) {
    // Gone since the listing (deleted, expired by the lifecycle rule): skip it; anything else stops.
    if ((error as Error).name === 'NoSuchKey') return { skipped: `${where}: deleted since it was listed` };
    throw s3HistoryError(error, 'GetObject', location, key);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    return { skipped: `${where}: not JSON (${safeMessage((error as Error).message)})` };
  }
  try {
    return { report: parseRunReport(document, where) };
  } catch (error) {
    return { skipped: safeMessage((error as Error).message.split('\n').slice(0, 2).join(' ')) };
  }
}

async function inBatches<T>(
  items: readonly T[],
  size: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
