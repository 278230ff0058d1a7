import { AwsError } from '../protocol/errors.ts';
import type { ObjectService } from '../protocol/server.ts';
import { type JsonObject, jsonString } from '../protocol/shapes.ts';
import { CURRENT_STAGE, type Secret, type SecretsManagerModel } from './model.ts';

/**
 * Secrets Manager awsJson1_1 operations (x-amz-target `secretsmanager.<Op>`) the canary and
 * drctl's tooling call: GetSecretValue, DescribeSecret and ListSecrets (Secrets Manager API
 * Reference; ListSecrets: MaxResults 1-100, an opaque NextToken; values are never listed).
 * SecretId is 1-2,048 characters; VersionId 32-64; VersionId and VersionStage together must
 * name the same version.
 */
export function secretsManagerApi(secrets: SecretsManagerModel): ObjectService {
  return {
    service: 'secretsmanager',
    targetPrefix: 'secretsmanager',
    jsonVersion: '1.1',
    operations: {
      GetSecretValue: (input, { region }) => {
        const secretId = secretIdOf(input);
        const versionId = jsonString(input, 'VersionId');
        if (versionId !== undefined && (versionId.length < 32 || versionId.length > 64)) {
          throw invalidParameter('VersionId must be 32 to 64 characters long.');
        }
        const secret = secrets.value(region, secretId, versionId, jsonString(input, 'VersionStage'));
        return {
          ARN: secret.arn,
          Name: secret.name,
          VersionId: secret.versionId,
          SecretString: secret.secretString,
          VersionStages: [CURRENT_STAGE],
          CreatedDate: secret.createdAt,
        };
      },
      DescribeSecret: (input, { region }) => describe(secrets.find(region, secretIdOf(input))),
      ListSecrets: (input, { region }) => listSecrets(secrets, input, region),
    },
  };
}

function secretIdOf(input: JsonObject): string {
  const secretId = jsonString(input, 'SecretId');
  if (secretId === undefined || secretId.length === 0) {
    throw new AwsError(
      'ValidationException',
      "1 validation error detected: Value null at 'secretId' failed to satisfy constraint: Member must not be null",
    );
  }
  if (secretId.length > 2_048) throw invalidParameter('SecretId must be at most 2048 characters long.');
  return secretId;
}

const invalidParameter = (message: string) => new AwsError('InvalidParameterException', message);

function describe(secret: Secret): JsonObject {
  return {
    ARN: secret.arn,
    Name: secret.name,
    CreatedDate: secret.createdAt,
    LastChangedDate: secret.createdAt,
    VersionIdsToStages: { [secret.versionId]: [CURRENT_STAGE] },
    ...(secret.primaryRegion === undefined ? {} : { PrimaryRegion: secret.primaryRegion }),
  };
}

function listSecrets(secrets: SecretsManagerModel, input: JsonObject, region: string): JsonObject {
  const maxResults = input.MaxResults;
  if (
    maxResults !== undefined &&
    (!Number.isInteger(maxResults) || (maxResults as number) < 1 || (maxResults as number) > 100)
  ) {
    throw invalidParameter('MaxResults must be an integer from 1 to 100.');
  }
  const inRegion = secrets
    .all()
    .filter((secret) => secret.region === region)
    .sort((a, b) => a.name.localeCompare(b.name));
  const token = jsonString(input, 'NextToken');
  const start = token === undefined ? 0 : Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(start) || start < 0 || start > inRegion.length) {
    throw invalidParameter('The NextToken is not one this service returned.');
  }
  const page = inRegion.slice(start, start + ((maxResults as number | undefined) ?? 100));
  const next = start + page.length;
  return {
    SecretList: page.map(describe),
    ...(next < inRegion.length ? { NextToken: Buffer.from(String(next)).toString('base64') } : {}),
  };
}
