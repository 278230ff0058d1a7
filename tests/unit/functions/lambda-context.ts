import type { Context } from 'aws-lambda';

/** A Lambda context good enough for middy and Powertools in handler tests. */
export const fakeLambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'drctl-test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-west-2:111111111111:function:drctl-test',
  memoryLimitInMB: '256',
  awsRequestId: '00000000-0000-4000-8000-000000000000',
  logGroupName: '/aws/lambda/drctl-test',
  logStreamName: '2026/01/01/[$LATEST]0000',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
