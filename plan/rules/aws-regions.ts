/**
 * The Regions of the `aws` partition (the commercial one, whose ARNs start `arn:aws:`), which is
 * the partition drctl deploys to: its names (Route 53 and the gate in us-east-1, `arn:aws:`
 * ARNs) do not exist elsewhere.
 *
 * Source: the AWS SDK for JavaScript v3's partition metadata, `@aws-sdk/core` 3.981.0
 * (`partitionsInfo` in dist-cjs/submodules/client/index.js, the data behind its `partition()`
 * function), read 2026-12; tests/unit/plan/rules.test.ts checks this list against the installed
 * SDK, so an SDK upgrade that adds a Region fails a test until the Region is added here.
 */
export const AWS_PARTITION_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-east-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-southeast-6',
  'ap-southeast-7',
  'ca-central-1',
  'ca-west-1',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'il-central-1',
  'me-central-1',
  'me-south-1',
  'me-west-1',
  'mx-central-1',
  'sa-east-1',
  'sa-west-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** The other partitions, by the shape of their Region names (same source). */
export const OTHER_PARTITIONS: readonly { partition: string; pattern: RegExp }[] = [
  { partition: 'aws-us-gov', pattern: /^us-gov-\w+-\d+$/ },
  { partition: 'aws-cn', pattern: /^cn-\w+-\d+$/ },
  { partition: 'aws-eusc', pattern: /^eusc-de-\w+-\d+$/ },
  { partition: 'aws-iso', pattern: /^us-iso-\w+-\d+$/ },
  { partition: 'aws-iso-b', pattern: /^us-isob-\w+-\d+$/ },
  { partition: 'aws-iso-e', pattern: /^eu-isoe-\w+-\d+$/ },
  { partition: 'aws-iso-f', pattern: /^us-isof-\w+-\d+$/ },
];
