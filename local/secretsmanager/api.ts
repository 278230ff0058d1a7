import { AwsError } from '../protocol/errors.ts';
import type { ObjectService } from '../protocol/server.ts';
import { type JsonObject, jsonString } from '../protocol/shapes.ts';
import { CURRENT_STAGE, type Secret, type SecretsManagerModel } from './model.ts';

/**
 * Secrets Manager awsJson1_1 operations (x-amz-target `secretsmanager.<Op>`) the canary and
 * drctl's tooling call: GetSecretValue and DescribeSecret (Secrets Manager API Reference).
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
