import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';
import type { Invoke } from '../stepfunctions/lambda-functions.ts';

/**
 * The Lambda functions the world's Lambda API invokes, per region: the canary writer in the
 * primary region and its reader in the DR region (what the drill invokes through the SDK), and
 * any other function the world registers. Each is an in-process handler invoked as Lambda does
 * (holding the clock, the modelled overhead; see stepfunctions/lambda-functions.ts). A function
 * is found by name, full ARN or partial ARN (`<account>:function:<name>`), as Invoke documents.
 */
export interface LambdaFunction {
  name: string;
  region: string;
  arn: string;
  invoke: Invoke;
  /** What GetFunctionConfiguration reports: drctl's deployed defaults (infra/lambda/dr-function.ts). */
  configuration: FunctionSettings;
}

export interface FunctionSettings {
  timeoutSeconds: number;
  memoryMb: number;
  /** The handler's source in this repository, shown as the function's description. */
  description: string;
}

/** infra/lambda/dr-function.ts: 256 MB, 30 s unless a function sets its own. */
const DEFAULT_SETTINGS: FunctionSettings = { timeoutSeconds: 30, memoryMb: 256, description: '' };

export class LambdaModel {
  private readonly functions = new Map<string, LambdaFunction>();
  private readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
  }

  arnOf(region: string, name: string): string {
    return `arn:aws:lambda:${region}:${this.context.account}:function:${name}`;
  }

  register(
    region: string,
    name: string,
    invoke: Invoke,
    settings: Partial<FunctionSettings> = {},
  ): LambdaFunction {
    const configuration = { ...DEFAULT_SETTINGS, ...settings };
    const fn = { name, region, arn: this.arnOf(region, name), invoke, configuration };
    this.functions.set(`${region}|${name}`, fn);
    return fn;
  }

  has(region: string, name: string): boolean {
    return this.functions.has(`${region}|${name}`);
  }

  /** The function a FunctionName names in the region, or ResourceNotFoundException naming its ARN. */
  find(region: string, functionName: string): LambdaFunction {
    const arn =
      /^(?:arn:aws[a-z-]*:lambda:([a-z0-9-]+):)?(?:(\d{12}):function:)?([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]+))?$/.exec(
        functionName,
      );
    const name = arn?.[3];
    const inRegion = arn?.[1] ?? region;
    const found =
      name !== undefined && inRegion === region ? this.functions.get(`${region}|${name}`) : undefined;
    if (!found) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Function not found: ${this.arnOf(region, name ?? functionName.slice(0, 140))}`,
        404,
      );
    }
    return found;
  }

  all(): LambdaFunction[] {
    return [...this.functions.values()];
  }

  /** The region's functions in name order (ListFunctions pages through them). */
  inRegion(region: string): LambdaFunction[] {
    return this.all()
      .filter((fn) => fn.region === region)
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
