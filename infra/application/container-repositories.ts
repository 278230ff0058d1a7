import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnReplicationConfiguration, Repository, TagMutability } from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';

/** Amazon ECR API Reference, ReplicationRule: 1-100 repository filters per rule. */
const ECR_FILTERS_PER_RULE = 100;

export interface ContainerRepositoriesProps {
  /** Repository name per plan service id. */
  names: Record<string, string>;
  /** The DR region the registry replicates every repository to. */
  replicateTo: string;
}

/**
 * One ECR repository per service in the primary region, replicated by the registry to the DR
 * region, so the pilot light pulls from its own region when the primary is gone.
 * The replication configuration is per registry: it replaces any other one in the account's
 * primary region (see README.md, "Deploy to AWS").
 */
export class ContainerRepositories extends Construct {
  readonly repositories: Record<string, Repository>;

  constructor(scope: Construct, id: string, props: ContainerRepositoriesProps) {
    super(scope, id);
    this.repositories = Object.fromEntries(
      Object.entries(props.names).map(([serviceId, repositoryName]) => [
        serviceId,
        new Repository(this, `Repository-${serviceId}`, {
          repositoryName,
          imageScanOnPush: true,
          imageTagMutability: TagMutability.MUTABLE,
          removalPolicy: RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE,
        }),
      ]),
    );
    // A rule takes at most 100 repository filters (ECR API, ReplicationRule): one rule per 100 services.
    const filters = Object.values(props.names).map((name) => ({ filter: name, filterType: 'PREFIX_MATCH' }));
    const rules = [];
    for (let i = 0; i < filters.length; i += ECR_FILTERS_PER_RULE) {
      rules.push({
        destinations: [{ region: props.replicateTo, registryId: Stack.of(this).account }],
        repositoryFilters: filters.slice(i, i + ECR_FILTERS_PER_RULE),
      });
    }
    new CfnReplicationConfiguration(this, 'Replication', { replicationConfiguration: { rules } });
  }
}
