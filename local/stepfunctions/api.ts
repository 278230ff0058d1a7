import { AwsError } from '../protocol/errors.ts';
import type { ObjectService } from '../protocol/server.ts';
import { asNumber, asString, type JsonObject } from '../protocol/shapes.ts';
import type { Execution, StepFunctionsModel } from './executions.ts';

/** Step Functions awsJson1_0 operations (AWSStepFunctions). */
export function stepFunctionsApi(sfn: StepFunctionsModel): ObjectService {
  return {
    service: 'sfn',
    targetPrefix: 'AWSStepFunctions',
    jsonVersion: '1.0',
    operations: {
      StartExecution: (input) => {
        const { execution } = sfn.start(
          required(asString(input.stateMachineArn), 'stateMachineArn'),
          asString(input.name),
          asString(input.input),
        );
        return { executionArn: execution.arn, startDate: execution.startDate };
      },
      DescribeExecution: (input) =>
        describe(sfn.execution(required(asString(input.executionArn), 'executionArn'))),
      StopExecution: (input) => ({
        stopDate: sfn.stop(
          required(asString(input.executionArn), 'executionArn'),
          asString(input.error),
          asString(input.cause),
        ),
      }),
      ListExecutions: (input) => {
        const machine = sfn.machine(required(asString(input.stateMachineArn), 'stateMachineArn'));
        const status = asString(input.statusFilter);
        const all = [...sfn.executions.values()]
          .filter((e) => e.stateMachineArn === machine.arn && (status === undefined || e.status === status))
          .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
        const { page, nextToken } = paginate(
          all,
          asNumber(input.maxResults) ?? 100,
          asString(input.nextToken),
        );
        return {
          executions: page.map((e) => ({
            executionArn: e.arn,
            stateMachineArn: e.stateMachineArn,
            name: e.name,
            status: e.status,
            startDate: e.startDate,
            stopDate: e.stopDate,
          })),
          nextToken,
        };
      },
      GetExecutionHistory: (input) => {
        const execution = sfn.execution(required(asString(input.executionArn), 'executionArn'));
        const events = input.reverseOrder === true ? [...execution.history].reverse() : execution.history;
        const { page, nextToken } = paginate(
          events,
          asNumber(input.maxResults) ?? 1000,
          asString(input.nextToken),
        );
        return { events: page, nextToken };
      },
      DescribeStateMachine: (input) => {
        const machine = sfn.machine(required(asString(input.stateMachineArn), 'stateMachineArn'));
        return {
          stateMachineArn: machine.arn,
          name: machine.name,
          status: 'ACTIVE',
          definition: JSON.stringify(machine.definition),
          roleArn: machine.roleArn,
          type: 'STANDARD',
          creationDate: machine.createdAt,
        };
      },
      ListStateMachines: () => ({
        stateMachines: [...sfn.stateMachines.values()].map((m) => ({
          stateMachineArn: m.arn,
          name: m.name,
          type: 'STANDARD',
          creationDate: m.createdAt,
        })),
      }),
    },
  };
}

function describe(execution: Execution): JsonObject {
  return {
    executionArn: execution.arn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    stopDate: execution.stopDate,
    input: execution.input,
    inputDetails: { included: true },
    output: execution.output,
    outputDetails: execution.output === undefined ? undefined : { included: true },
    error: execution.error,
    cause: execution.cause,
    redriveStatus: 'NOT_REDRIVABLE',
  };
}

function paginate<T>(
  items: T[],
  maxResults: number,
  token: string | undefined,
): { page: T[]; nextToken?: string } {
  const offset = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64').toString('utf8'), 10);
  if (!Number.isInteger(offset) || offset < 0)
    throw new AwsError('InvalidToken', `Invalid Token: '${token}'`);
  const size = Math.max(1, Math.min(1000, maxResults || 1000));
  const page = items.slice(offset, offset + size);
  const next =
    offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
  return next === undefined ? { page } : { page, nextToken: next };
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined)
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
    );
  return value;
}
