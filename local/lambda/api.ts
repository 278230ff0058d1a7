import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';
import type { RawRequest, RawResponse, RawService } from '../protocol/raw.ts';
import type { RequestContext } from '../protocol/server.ts';
import type { LambdaModel } from './model.ts';
import { answerRead, readOperationOf } from './read-api.ts';

/**
 * Lambda's Invoke (restJson1: POST /2015-03-31/functions/{FunctionName}/invocations), as the
 * Lambda API Reference documents it: InvocationType RequestResponse (200 with the function's
 * result; a function error is still 200, with `X-Amz-Function-Error: Unhandled` and Lambda's
 * error document `{"errorType","errorMessage","trace"}`), Event (202, run asynchronously) or
 * DryRun (204); payloads up to 6 MB synchronous and 256 KB asynchronous
 * (RequestTooLargeException, 413); a payload that is not JSON is InvalidRequestContentException;
 * an unknown function ResourceNotFoundException (404). The fault gate applies (a region's
 * outage refuses its Lambda API; `throttle('lambda')` answers TooManyRequestsException).
 */
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations\/?$/;
const SYNC_LIMIT = 6 * 1024 * 1024;
const ASYNC_LIMIT = 256 * 1024;

export function lambdaApi(context: WorldContext, lambda: LambdaModel): RawService {
  return {
    service: 'lambda',
    signingName: 'lambda',
    bodyLimitBytes: SYNC_LIMIT,
    operationOf: (request) =>
      request.method === 'POST' && INVOKE_PATH.test(request.path) ? 'Invoke' : readOperationOf(request),
    handle: (request, call) => {
      const read = readOperationOf(request);
      return read ? answerRead(lambda, read, request, call) : invoke(context, lambda, request, call);
    },
    errorResponse: (error, _request, requestId) => ({
      status: error.status,
      headers: {
        'content-type': 'application/json',
        'x-amzn-errortype': error.code,
        'x-amzn-requestid': requestId,
      },
      body: JSON.stringify({ Type: error.sender ? 'User' : 'Service', message: error.message }),
    }),
    tooLarge: (limit) =>
      new AwsError(
        'RequestTooLargeException',
        `Request must be smaller than ${limit} bytes for the Invoke operation`,
        413,
      ),
  };
}

async function invoke(
  context: WorldContext,
  lambda: LambdaModel,
  request: RawRequest,
  call: RequestContext,
): Promise<RawResponse> {
  let functionName: string;
  try {
    functionName = decodeURIComponent((INVOKE_PATH.exec(request.path) as RegExpExecArray)[1] as string);
  } catch {
    throw new AwsError('InvalidParameterValueException', 'The FunctionName in the path is not valid.');
  }
  const fn = lambda.find(call.region, functionName);
  const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
  if (!['RequestResponse', 'Event', 'DryRun'].includes(type)) {
    throw new AwsError('InvalidParameterValueException', `Invalid InvocationType: ${type.slice(0, 40)}`);
  }
  if (type === 'Event' && request.body.length > ASYNC_LIMIT) {
    throw new AwsError(
      'RequestTooLargeException',
      `Request must be smaller than ${ASYNC_LIMIT} bytes for the Invoke operation`,
      413,
    );
  }
  let payload: unknown = {};
  if (request.body.length > 0) {
    try {
      payload = JSON.parse(request.body.toString('utf8'));
    } catch {
      throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json');
    }
  }
  const headers = { 'x-amz-executed-version': '$LATEST' };
  if (type === 'DryRun') return { status: 204, headers };
  if (type === 'Event') {
    // Accepted now, run on the world's agenda (Lambda queues asynchronous invocations).
    context.scheduler.after(0, () => {
      fn.invoke(payload).catch(() => {});
    });
    return { status: 202, headers };
  }
  try {
    const result = await fn.invoke(payload);
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(result ?? null),
    };
  } catch (error) {
    // The world's invoker already turned the error into Lambda's error document (its message).
    const failure = error as Error;
    let document: string;
    try {
      JSON.parse(failure.message);
      document = failure.message;
    } catch {
      document = JSON.stringify({ errorType: failure.name, errorMessage: failure.message, trace: [] });
    }
    return {
      status: 200,
      headers: { ...headers, 'content-type': 'application/json', 'x-amz-function-error': 'Unhandled' },
      body: document,
    };
  }
}
