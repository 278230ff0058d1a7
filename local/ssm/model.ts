import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * Systems Manager Parameter Store, standard tier: drctl keeps a person's decision on a waiting
 * run here. Limits as AWS documents them (Systems Manager API Reference, PutParameter; Parameter
 * Store quotas): names up to 2,048 characters of a-zA-Z0-9_.-/ with at most 15 levels, values
 * up to 4 KB, versions counted per write; Overwrite false refuses an existing name.
 */
export interface Parameter {
  name: string;
  region: string;
  type: 'String' | 'StringList' | 'SecureString';
  value: string;
  version: number;
  lastModifiedAt: number;
  /** The IAM identity that wrote it, as Parameter Store records it (LastModifiedUser). */
  lastModifiedUser: string;
  description: string | undefined;
}

const NAME = /^[a-zA-Z0-9_.\-/]{1,2048}$/;
const MAX_VALUE_BYTES = 4096;
const MAX_LEVELS = 15;
/** The world keeps at most this many parameters (a bound on memory, far above drctl's needs). */
const MAX_PARAMETERS = 10_000;

export class SsmModel {
  private readonly parameters = new Map<string, Parameter>();
  private readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
  }

  put(
    region: string,
    input: { name: string; value: string; type: Parameter['type']; overwrite: boolean; description?: string },
    caller: string,
  ): Parameter {
    validateName(input.name);
    if (Buffer.byteLength(input.value, 'utf8') > MAX_VALUE_BYTES) {
      throw new AwsError(
        'ValidationException',
        `Standard parameters can have a value of up to ${MAX_VALUE_BYTES} bytes.`,
      );
    }
    const key = `${region}|${input.name}`;
    const existing = this.parameters.get(key);
    if (existing && !input.overwrite) {
      throw new AwsError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    if (!existing && this.parameters.size >= MAX_PARAMETERS) {
      throw new AwsError(
        'ParameterLimitExceeded',
        'You have exceeded the number of parameters for this AWS account.',
      );
    }
    const parameter: Parameter = {
      name: input.name,
      region,
      type: input.type,
      value: input.value,
      version: (existing?.version ?? 0) + 1,
      lastModifiedAt: this.context.clock.now(),
      lastModifiedUser: caller,
      description: input.description ?? existing?.description,
    };
    this.parameters.set(key, parameter);
    this.context.events.record(
      'ssm.parameter-put',
      parameter.lastModifiedAt,
      `parameter ${input.name} written by ${caller}`,
      {
        name: input.name,
        region,
        version: parameter.version,
        caller,
      },
    );
    return parameter;
  }

  get(region: string, name: string): Parameter {
    validateName(name);
    const found = this.parameters.get(`${region}|${name}`);
    if (!found) throw new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
    return found;
  }

  find(region: string, name: string): Parameter | undefined {
    return this.parameters.get(`${region}|${name}`);
  }

  delete(region: string, name: string): void {
    validateName(name);
    if (!this.parameters.delete(`${region}|${name}`)) {
      throw new AwsError('ParameterNotFound', `Parameter ${name} not found.`);
    }
  }

  list(region: string): Parameter[] {
    return [...this.parameters.values()].filter((p) => p.region === region);
  }
}

function validateName(name: string): void {
  if (!NAME.test(name) || name.split('/').length - 1 > MAX_LEVELS) {
    throw new AwsError(
      'ValidationException',
      `Parameter name: can't be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". Valid example: /get/parameters2-/by1./path0_. (found "${name.slice(0, 100)}")`,
    );
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw new AwsError(
      'ValidationException',
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).',
    );
  }
}
