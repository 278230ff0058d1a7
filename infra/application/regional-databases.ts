import type { ISecurityGroup, IVpc } from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { canarySecretName } from '../../plan/names.ts';
import type { Plan, PlanDatabase } from '../../plan/schema.ts';
import { databaseEnvPrefix, databaseSecretNames } from '../config/names.ts';
import { activeRegionOf, dbInstanceArn } from '../config/plan-arns.ts';
import type { RegionRole } from '../config/plan-environment.ts';
import type { DatabaseConnection } from './application-service.ts';
import { enginePort } from './database-engine.ts';
import { DatabaseUsers } from './database-users.ts';
import { PrimaryDatabase } from './primary-database.ts';
import { ReplicaDatabase } from './replica-database.ts';
import { ReplicatedSecret } from './replicated-secret.ts';

export interface RegionalDatabasesProps {
  plan: Plan;
  role: RegionRole;
  vpc: IVpc;
  securityGroup: ISecurityGroup;
  /** The plan databases this stack holds (default: all of them); see plan/rules/stack-size.ts. */
  databases?: readonly PlanDatabase[];
}

/**
 * The plan's databases in one region: the primaries in the primary region, their encrypted
 * cross-region replicas in the DR region, and how the application connects to each. A stack of
 * databases (infra/stacks/database-stack.ts) holds one group of them with its own user setup.
 */
export class RegionalDatabases extends Construct {
  readonly primaries: Record<string, PrimaryDatabase> = {};
  readonly replicas: Record<string, ReplicaDatabase> = {};
  readonly connections: DatabaseConnection[];
  /** The security group of these databases, and the engine ports they listen on. */
  readonly securityGroup: ISecurityGroup;
  readonly ports: number[];

  constructor(scope: Construct, id: string, props: RegionalDatabasesProps) {
    super(scope, id);
    const { plan, role, vpc, securityGroup } = props;
    const instanceClass = plan.deployment?.dbInstanceClass ?? 'db.t4g.medium';
    const engineVersion = plan.deployment?.engineVersion;
    const active = activeRegionOf(plan);
    const databases = props.databases ?? plan.databases;
    this.securityGroup = securityGroup;
    this.ports = [...new Set(databases.map((db) => enginePort(db.engine)))];
    const users =
      role === 'primary'
        ? new DatabaseUsers(this, 'Users', {
            vpc,
            databaseSecurityGroup: securityGroup,
            ports: this.ports,
          })
        : undefined;

    this.connections = databases.map((db) => {
      if (users) {
        const primary = new PrimaryDatabase(this, db.id, {
          database: db,
          vpc,
          securityGroup,
          instanceClass,
          engineVersion,
          secretNames: databaseSecretNames(plan, db),
          drRegion: plan.regions.dr,
          users,
          fenced: active === 'dr',
          ...(plan.drills.canary.enabled ? { canarySecretName: canarySecretName(plan, db.id) } : {}),
        });
        this.primaries[db.id] = primary;
        return {
          prefix: databaseEnvPrefix(db),
          host: primary.instance.dbInstanceEndpointAddress,
          port: primary.instance.dbInstanceEndpointPort,
          secret: primary.appSecret,
        };
      }
      const replica = new ReplicaDatabase(this, db.id, {
        database: db,
        sourceArn: dbInstanceArn(plan, db.primary.region, db.primary.identifier),
        vpc,
        securityGroup,
        instanceClass,
        engineVersion,
        standalone: active === 'dr',
      });
      this.replicas[db.id] = replica;
      return {
        prefix: databaseEnvPrefix(db),
        host: replica.instance.dbInstanceEndpointAddress,
        port: replica.instance.dbInstanceEndpointPort,
        // The application's secret is replicated to this region under the same name.
        secret: new ReplicatedSecret(this, `Secret-${db.id}`, {
          secretName: databaseSecretNames(plan, db).app,
        }).secret,
      };
    });
  }
}
