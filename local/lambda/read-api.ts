import { AwsError } from '../protocol/errors.ts';
import type { RawRequest, RawResponse } from '../protocol/raw.ts';
import type { RequestContext } from '../protocol/server.ts';
import type { LambdaFunction, LambdaModel } from './model.ts';

/**
 * Lambda's read operations an operator reaches for first (Lambda API Reference, restJson1):
 * ListFunctions `GET /2015-03-31/functions/` (MaxItems 1-10,000, at most 50 a page, the rest
 * behind an opaque NextMarker), GetFunction `GET /2015-03-31/functions/{FunctionName}` and
 * GetFunctionConfiguration `…/{FunctionName}/configuration`. The world runs drctl's handlers in
 * process, so a function's code location is not a downloadable package.
 */
const LIST_PATH = /^\/2015-03-31\/functions\/?$/;
const FUNCTION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/?$/;
const CONFIGURATION_PATH = /^\/2015-03-31\/functions\/([^/]+)\/configuration\/?$/;
const PAGE_LIMIT = 50;

export type LambdaReadOperation = 'ListFunctions' | 'GetFunction' | 'GetFunctionConfiguration';

export function readOperationOf(request: RawRequest): LambdaReadOperation | undefined {
  if (request.method !== 'GET') return undefined;
  if (LIST_PATH.test(request.path)) return 'ListFunctions';
  if (CONFIGURATION_PATH.test(request.path)) return 'GetFunctionConfiguration';
  if (FUNCTION_PATH.test(request.path)) return 'GetFunction';
  return undefined;
}

export function answerRead(
  lambda: LambdaModel,
  operation: LambdaReadOperation,
  request: RawRequest,
  call: RequestContext,
): RawResponse {
  if (operation === 'ListFunctions') return json(listFunctions(lambda, request.query, call.region));
  const path = operation === 'GetFunction' ? FUNCTION_PATH : CONFIGURATION_PATH;
  const fn = lambda.find(call.region, functionNameIn(request.path, path));
  const configuration = configurationOf(fn);
  return json(
    operation === 'GetFunctionConfiguration'
      ? configuration
      : { Configuration: configuration, Code: { RepositoryType: 'S3' }, Tags: { 'drctl:world': 'true' } },
  );
}

function listFunctions(lambda: LambdaModel, query: URLSearchParams, region: string): object {
  const maxItems = query.get('MaxItems');
  let limit = PAGE_LIMIT;
  if (maxItems !== null) {
    const parsed = Number(maxItems);
    if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000) {
      throw new AwsError(
        'InvalidParameterValueException',
        `1 validation error detected: Value '${maxItems.slice(0, 20)}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 10000`,
      );
    }
    limit = Math.min(parsed, PAGE_LIMIT);
  }
  const functions = lambda.inRegion(region);
  const marker = query.get('Marker');
  const start = marker === null ? 0 : markerIndex(marker, functions.length);
  const page = functions.slice(start, start + limit);
  const next = start + page.length;
  return {
    Functions: page.map(configurationOf),
    ...(next < functions.length ? { NextMarker: Buffer.from(String(next)).toString('base64') } : {}),
  };
}

function markerIndex(marker: string, count: number): number {
  const index = Number(Buffer.from(marker, 'base64').toString('utf8'));
  if (!Number.isInteger(index) || index < 0 || index > count) {
    throw new AwsError('InvalidParameterValueException', 'The Marker is not one this service returned.');
  }
  return index;
}

function functionNameIn(path: string, pattern: RegExp): string {
  try {
    return decodeURIComponent((pattern.exec(path) as RegExpExecArray)[1] as string);
  } catch {
    throw new AwsError('InvalidParameterValueException', 'The FunctionName in the path is not valid.');
  }
}

/** drctl's deployed settings (infra/lambda/dr-function.ts): Node.js 24 on arm64, active tracing. */
function configurationOf(fn: LambdaFunction): object {
  return {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: 'nodejs24.x',
    Handler: 'index.handler',
    Architectures: ['arm64'],
    MemorySize: fn.configuration.memoryMb,
    Timeout: fn.configuration.timeoutSeconds,
    Description: fn.configuration.description,
    PackageType: 'Zip',
    State: 'Active',
    LastUpdateStatus: 'Successful',
    TracingConfig: { Mode: 'Active' },
    Version: '$LATEST',
  };
}

function json(body: object): RawResponse {
  return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
