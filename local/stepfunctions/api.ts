import { touch } from '../mutations.ts';
import { AwsError } from '../protocol/errors.ts';
import type { ObjectService, RequestContext } from '../protocol/server.ts';
import { type JsonObject, jsonBoolean, jsonInteger, jsonString } from '../protocol/shapes.ts';
import type { Execution, StepFunctionsModel } from './executions.ts';

/**
 * Step Functions awsJson1_0 operations (AWSStepFunctions), in the request's region. Bounds from
 * the Step Functions API reference: names 1-80 characters, ARNs up to 256, maxResults 0-1000
 * (0: the default), nextToken up to 1024, StopExecution error up to 256 and cause up to 32,768.
 */
const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

export function stepFunctionsApi(sfn: StepFunctionsModel): ObjectService {
  return {
    service: 'sfn',
    targetPrefix: 'AWSStepFunctions',
    jsonVersion: '1.0',
    operations: {
      StartExecution: (input, context) => {
        const { region } = context;
        const machineArn = arnField(input, 'stateMachineArn');
        touch(context, machineArn);
        const { execution } = sfn.start(
          machineArn,
          text(input, 'name', { max: 80 }),
          text(input, 'input', { max: 262_144, bytes: true }),
          region,
        );
        return { executionArn: execution.arn, startDate: execution.startDate };
      },
      DescribeExecution: (input, { region }) =>
        describe(sfn.execution(arnField(input, 'executionArn'), region)),
      StopExecution: (input, context) => ({
        stopDate: sfn.stop(
          touched(context, arnField(input, 'executionArn')),
          text(input, 'error', { max: 256 }),
          text(input, 'cause', { max: 32_768 }),
          context.region,
        ),
      }),
      ListExecutions: (input, { region }) => {
        const machine = sfn.machine(arnField(input, 'stateMachineArn'), region);
        const status = text(input, 'statusFilter');
        if (status !== undefined && !STATUSES.includes(status)) {
          throw validation(
            `Value '${status}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`,
          );
        }
        const all = [...sfn.executions.values()]
          .filter((e) => e.stateMachineArn === machine.arn && (status === undefined || e.status === status))
          .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
        const { page, nextToken } = paginate(
          all,
          maxResults(input, 100),
          text(input, 'nextToken', { max: 1024 }),
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
      GetExecutionHistory: (input, { region }) => {
        const execution = sfn.execution(arnField(input, 'executionArn'), region);
        const reverse = jsonBoolean(input, 'reverseOrder') === true;
        const events = reverse ? [...execution.history].reverse() : execution.history;
        const { page, nextToken } = paginate(
          events,
          maxResults(input, 100),
          text(input, 'nextToken', { max: 1024 }),
        );
        return { events: page, nextToken };
      },
      DescribeStateMachine: (input, { region }) => {
        const machine = sfn.machine(arnField(input, 'stateMachineArn'), region);
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
      ListStateMachines: (input, { region }) => {
        const machines = sfn.machinesIn(region).sort((a, b) => a.name.localeCompare(b.name));
        const { page, nextToken } = paginate(
          machines,
          maxResults(input, 100),
          text(input, 'nextToken', { max: 1024 }),
        );
        return {
          stateMachines: page.map((m) => ({
            stateMachineArn: m.arn,
            name: m.name,
            type: 'STANDARD',
            creationDate: m.createdAt,
          })),
          nextToken,
        };
      },
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

function validation(problem: string): AwsError {
  return new AwsError('ValidationException', `1 validation error detected: ${problem}`);
}

/** A string member: absent is undefined; another type is a SerializationException, too long a ValidationException. */
function text(
  input: JsonObject,
  name: string,
  limits: { max?: number; bytes?: boolean } = {},
): string | undefined {
  const value = jsonString(input, name);
  if (value === undefined || limits.max === undefined) return value;
  const length = limits.bytes ? Buffer.byteLength(value) : value.length;
  if (length > limits.max) {
    throw validation(
      `Value at '${name}' failed to satisfy constraint: Member must have length less than or equal to ${limits.max}`,
    );
  }
  return value;
}

function arnField(input: JsonObject, name: string): string {
  const value = text(input, name, { max: 256 });
  if (value === undefined || value === '') {
    throw validation(`Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function maxResults(input: JsonObject, fallback: number): number {
  const value = jsonInteger(input, 'maxResults');
  if (value === undefined || value === 0) return fallback;
  if (value < 0 || value > 1000) {
    throw validation(
      `Value '${value}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000`,
    );
  }
  return value;
}

function paginate<T>(items: T[], size: number, token: string | undefined): { page: T[]; nextToken?: string } {
  let offset = 0;
  if (token !== undefined) {
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    offset = /^\d{1,9}$/.test(decoded) ? Number(decoded) : -1;
    if (offset < 0 || offset > items.length)
      throw new AwsError('InvalidToken', `Invalid Token: '${token.slice(0, 100)}'`);
  }
  const page = items.slice(offset, offset + size);
  const next =
    offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64') : undefined;
  return next === undefined ? { page } : { page, nextToken: next };
}

/** Names the resource for the mutation ledger and passes it on. */
function touched(context: RequestContext, arn: string): string {
  touch(context, arn);
  return arn;
}
