import {
  GetExecutionHistoryCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  type SFNClientResolvedConfig,
} from '@aws-sdk/client-sfn';
import type { AwsStub } from 'aws-sdk-client-mock';

/** The failover run `name` of the test context's account and DR region (lambda-context.ts). */
export const failoverRunArn = (name: string) =>
  `arn:aws:states:us-west-2:111111111111:execution:shop-failover:${name}`;

/** Step Functions answers that run `name` is past its point of no return (run-guard.ts). */
export function runPastPointOfNoReturn(
  sfnMock: AwsStub<ServiceInputTypes, ServiceOutputTypes, SFNClientResolvedConfig>,
  name: string,
): void {
  sfnMock.on(GetExecutionHistoryCommand, { executionArn: failoverRunArn(name) }).resolves({
    events: [
      {
        type: 'MapStateEntered',
        id: 9,
        timestamp: new Date(),
        stateEnteredEventDetails: { name: 'StartPromotions' },
      },
    ],
  });
}
