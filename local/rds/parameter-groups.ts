import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';
import type { DbInstance } from './model.ts';

/**
 * DB parameter groups, one custom group per instance as the CDK app creates them (a default
 * group cannot be modified). drctl fences an old primary by setting the engine's read-only
 * parameter in its group; the write stream then refuses writes there. Modelled from the RDS API
 * Reference (DescribeDBParameters, ModifyDBParameterGroup: at most 20 parameters per request,
 * ApplyMethod immediate or pending-reboot) and the RDS User Guide (parameter groups: dynamic
 * parameters such as read_only apply at once).
 */
export interface UserParameter {
  name: string;
  value: string;
  applyMethod: 'immediate' | 'pending-reboot';
}

interface Group {
  name: string;
  region: string;
  family: string;
  parameters: Map<string, UserParameter>;
}

/** Parameters the world knows, per engine, and whether they are dynamic (applied at once). */
const KNOWN: Record<string, Record<string, { dynamic: boolean; values: RegExp }>> = {
  mysql: {
    read_only: { dynamic: true, values: /^(0|1|ON|OFF)$/i },
    require_secure_transport: { dynamic: true, values: /^(0|1|ON|OFF)$/i },
    max_connections: { dynamic: true, values: /^\d{1,6}$/ },
  },
  mariadb: {
    read_only: { dynamic: true, values: /^(0|1|ON|OFF)$/i },
    require_secure_transport: { dynamic: true, values: /^(0|1|ON|OFF)$/i },
    max_connections: { dynamic: true, values: /^\d{1,6}$/ },
  },
  postgres: {
    default_transaction_read_only: { dynamic: true, values: /^(on|off|0|1|true|false)$/i },
    'rds.force_ssl': { dynamic: true, values: /^(0|1)$/ },
    max_connections: { dynamic: false, values: /^\d{1,6}$/ },
  },
};

const MAX_PARAMETERS_PER_REQUEST = 20;
const TRUE = /^(1|on|true)$/i;

export class ParameterGroups {
  private readonly groups = new Map<string, Group>();
  private readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
  }

  private key(region: string, name: string): string {
    return `${region}/${name.toLowerCase()}`;
  }

  /** The instance's group (the CDK app's own group per instance; a same-region replica inherits its source's). */
  groupNameOf(instance: DbInstance): string {
    const name = instance.parameterGroupName;
    if (!this.groups.has(this.key(instance.region, name))) {
      this.groups.set(this.key(instance.region, name), {
        name,
        region: instance.region,
        family: instance.engine,
        parameters: new Map(),
      });
    }
    return name;
  }

  private group(region: string, name: string): Group {
    const group = this.groups.get(this.key(region, name));
    if (!group) throw new AwsError('DBParameterGroupNotFound', `DBParameterGroup not found: ${name}`, 404);
    return group;
  }

  /** User-set parameters (Source user); other sources are the engine defaults the world does not list. */
  describe(region: string, name: string, source: string | undefined): UserParameter[] {
    const group = this.group(region, name);
    if (source !== undefined && !['user', 'system', 'engine-default'].includes(source)) {
      throw new AwsError(
        'InvalidParameterValue',
        `Invalid source: ${source}. Valid values: user, system, engine-default`,
      );
    }
    return source === undefined || source === 'user' ? [...group.parameters.values()] : [];
  }

  modify(region: string, name: string, parameters: UserParameter[]): string {
    const group = this.group(region, name);
    if (name.toLowerCase().startsWith('default.')) {
      throw new AwsError('InvalidParameterValue', 'Default parameter groups cannot be modified.');
    }
    if (parameters.length === 0 || parameters.length > MAX_PARAMETERS_PER_REQUEST) {
      throw new AwsError(
        'InvalidParameterValue',
        `Between 1 and ${MAX_PARAMETERS_PER_REQUEST} parameters can be modified in one request.`,
      );
    }
    const known = KNOWN[group.family] ?? {};
    for (const parameter of parameters) {
      const spec = known[parameter.name];
      if (!spec)
        throw new AwsError(
          'InvalidParameterValue',
          `Unknown parameter ${parameter.name} for ${group.family} parameter groups.`,
        );
      if (!spec.values.test(parameter.value)) {
        throw new AwsError(
          'InvalidParameterValue',
          `Invalid parameter value: ${parameter.value} for: ${parameter.name}`,
        );
      }
      if (parameter.applyMethod === 'immediate' && !spec.dynamic) {
        throw new AwsError(
          'InvalidParameterCombination',
          `cannot use immediate apply method for static parameter ${parameter.name}`,
        );
      }
    }
    for (const parameter of parameters) group.parameters.set(parameter.name, parameter);
    this.context.events.record(
      'rds.parameters-modified',
      this.context.clock.now(),
      `${name}: ${parameters.map((p) => `${p.name}=${p.value}`).join(', ')}`,
      { group: name, region, parameters: parameters.map((p) => ({ name: p.name, value: p.value })) },
      region,
    );
    return group.name;
  }

  /** Whether a group of that name exists in the region. */
  exists(region: string, name: string): boolean {
    return this.groups.has(this.key(region, name));
  }

  /** Whether the engine refuses writes on this instance (its read-only parameter is set). */
  readOnly(instance: DbInstance): boolean {
    const group = this.groups.get(this.key(instance.region, instance.parameterGroupName));
    const name = instance.engine === 'postgres' ? 'default_transaction_read_only' : 'read_only';
    const value = group?.parameters.get(name)?.value;
    return value !== undefined && TRUE.test(value);
  }
}
