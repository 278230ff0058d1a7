import { callerArn } from '../protocol/caller.ts';
import type { QueryService } from '../protocol/server.ts';

/**
 * STS GetCallerIdentity (awsQuery, API version 2011-06-15): the first call many scripts and
 * `aws sts get-caller-identity` make to learn the account. The world has one account; the caller
 * is the access key the request was signed with (SigV4's credential scope), as an IAM user.
 */
export function stsApi(account: string): QueryService {
  return {
    service: 'sts',
    xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/',
    operations: {
      GetCallerIdentity: (_params, context) => ({
        UserId: context.caller ?? 'anonymous',
        Account: account,
        Arn: callerArn(account, context.caller),
      }),
    },
  };
}
