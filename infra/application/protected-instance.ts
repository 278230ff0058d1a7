import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { InstanceType, type ISecurityGroup, type IVpc, SubnetType } from 'aws-cdk-lib/aws-ec2';
import { Key } from 'aws-cdk-lib/aws-kms';
import { type IInstanceEngine, ParameterGroup, StorageType } from 'aws-cdk-lib/aws-rds';
import type { Construct } from 'constructs';
import type { PlanDatabase } from '../../plan/schema.ts';
import { enginePort, tlsOnlyParameters } from './database-engine.ts';

export interface ProtectedInstanceOptions {
  identifier: string;
  planEngine: PlanDatabase['engine'];
  engine: IInstanceEngine;
  instanceClass: string;
  vpc: IVpc;
  securityGroup: ISecurityGroup;
  key: Key;
  /** Parameters on top of the TLS-only ones (the read-only fence of an old primary). */
  extraParameters?: Record<string, string>;
}

/** A customer-managed key for one instance's storage (keys cannot cross regions: one per instance). */
export function instanceKey(scope: Construct, description: string): Key {
  return new Key(scope, 'Key', {
    description,
    enableKeyRotation: true,
    removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
  });
}

/**
 * What the primary and its cross-region replica share, so the two cannot drift apart: isolated
 * subnets, encrypted gp3 storage with their own key, TLS-only parameters, IAM auth, 7-day backups,
 * deletion protection and a snapshot on removal.
 */
export function protectedInstanceProps(scope: Construct, options: ProtectedInstanceOptions) {
  return {
    instanceIdentifier: options.identifier,
    instanceType: new InstanceType(options.instanceClass.replace(/^db\./, '')),
    vpc: options.vpc,
    vpcSubnets: { subnetType: SubnetType.PRIVATE_ISOLATED },
    securityGroups: [options.securityGroup],
    storageEncrypted: true,
    storageEncryptionKey: options.key,
    storageType: StorageType.GP3,
    port: enginePort(options.planEngine),
    parameterGroup: new ParameterGroup(scope, 'Parameters', {
      engine: options.engine,
      description: `TLS-only connections to ${options.identifier}`,
      parameters: { ...tlsOnlyParameters(options.planEngine), ...options.extraParameters },
    }),
    iamAuthentication: true,
    backupRetention: Duration.days(7),
    deletionProtection: true,
    removalPolicy: RemovalPolicy.SNAPSHOT,
    enablePerformanceInsights: false,
  };
}
