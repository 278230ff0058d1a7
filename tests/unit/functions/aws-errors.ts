/**
 * AWS SDK errors as the clients throw them, for aws-sdk-client-mock `.rejects(...)`. The code
 * (`name`) varies by service: RDS, SNS and Route 53 say `Throttling`, ECS and CloudWatch
 * `ThrottlingException`.
 */
export const throttlingError = (code: 'Throttling' | 'ThrottlingException' = 'Throttling') =>
  Object.assign(new Error('Rate exceeded'), {
    name: code,
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });

export const serverError = () =>
  Object.assign(new Error('We encountered an internal error'), {
    name: 'InternalFailure',
    $fault: 'server',
    $metadata: { httpStatusCode: 500 },
  });

/** The error a promise rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error) => error,
  );
}
