import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnReplicationConfiguration, Repository, TagMutability } from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';

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
    new CfnReplicationConfiguration(this, 'Replication', {
      replicationConfiguration: {
        rules: [
          {
            destinations: [{ region: props.replicateTo, registryId: Stack.of(this).account }],
            repositoryFilters: Object.values(props.names).map((name) => ({
              filter: name,
              filterType: 'PREFIX_MATCH',
            })),
          },
        ],
      },
    });
  }
}
