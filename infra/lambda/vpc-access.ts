import { Stack } from 'aws-cdk-lib';
import type { ISecurityGroup, IVpc, SubnetSelection } from 'aws-cdk-lib/aws-ec2';
import { PolicyStatement, type Role } from 'aws-cdk-lib/aws-iam';
import { acknowledge } from '../nag.ts';

export interface VpcAccess {
  vpc: IVpc;
  subnets: SubnetSelection;
  securityGroup: ISecurityGroup;
}

/**
 * What a function in a VPC needs on its own role (a role CDK did not create gets no managed
 * policy): Lambda creates and deletes the function's network interfaces with the execution role.
 * Creation only in the given subnets and with the function's own security group; the rest on this
 * account's and region's network interfaces; Describe has no resource type.
 */
export function grantNetworkInterfaces(role: Role, access: VpcAccess): void {
  const stack = Stack.of(role);
  const ec2Arn = (resource: string) =>
    `arn:${stack.partition}:ec2:${stack.region}:${stack.account}:${resource}`;
  const subnets = access.vpc.selectSubnets(access.subnets);
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'NetworkInterfacesInPrivateSubnets',
      actions: ['ec2:CreateNetworkInterface'],
      resources: [
        ec2Arn('network-interface/*'),
        ...subnets.subnetIds.map((subnetId) => ec2Arn(`subnet/${subnetId}`)),
        ec2Arn(`security-group/${access.securityGroup.securityGroupId}`),
      ],
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      sid: 'ManageOwnNetworkInterfaces',
      actions: [
        'ec2:DeleteNetworkInterface',
        'ec2:AssignPrivateIpAddresses',
        'ec2:UnassignPrivateIpAddresses',
      ],
      resources: [ec2Arn('network-interface/*')],
    }),
  );
  role.addToPrincipalPolicy(
    new PolicyStatement({
      // Describe* has no resource-level permissions: AWS requires "*". Read-only.
      sid: 'DescribeNetworkInterfaces',
      actions: ['ec2:DescribeNetworkInterfaces'],
      resources: ['*'],
    }),
  );
  acknowledge(
    role,
    `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ec2:${stack.region}:${stack.account}:network-interface/*]`,
    "Network interface ids are generated when Lambda creates them; creation is limited to the private subnets and this function's security group.",
  );
}
