import { touch } from '../mutations.ts';
import { callerArn } from '../protocol/caller.ts';
import { AwsError } from '../protocol/errors.ts';
import type { ObjectService, RequestContext } from '../protocol/server.ts';
import { asArray, asString, type JsonObject } from '../protocol/shapes.ts';
import type { Parameter, SsmModel } from './model.ts';

/** SSM awsJson1_1 operations (AmazonSSM) drctl and its users call on decision parameters. */
export function ssmApi(ssm: SsmModel, account: string): ObjectService {
  const caller = (context: RequestContext) => callerArn(account, context.caller);
  return {
    service: 'ssm',
    targetPrefix: 'AmazonSSM',
    jsonVersion: '1.1',
    operations: {
      PutParameter: (input, context) => {
        const name = required(input, 'Name');
        touch(context, parameterArn(context.region, account, name));
        const value = required(input, 'Value');
        const type = asString(input.Type) ?? 'String';
        if (type !== 'String' && type !== 'StringList' && type !== 'SecureString') {
          throw new AwsError(
            'ValidationException',
            `1 validation error detected: Value '${type}' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]`,
          );
        }
        const parameter = ssm.put(
          context.region,
          {
            name,
            value,
            type,
            overwrite: input.Overwrite === true,
            ...(asString(input.Description) === undefined
              ? {}
              : { description: asString(input.Description) as string }),
          },
          caller(context),
        );
        return { Version: parameter.version, Tier: 'Standard' };
      },
      GetParameter: (input, { region }) => ({
        Parameter: parameterJson(ssm.get(region, required(input, 'Name'))),
      }),
      DeleteParameter: (input, context) => {
        const name = required(input, 'Name');
        touch(context, parameterArn(context.region, account, name));
        ssm.delete(context.region, name);
        return {};
      },
      DescribeParameters: (input, { region }) => {
        const filters = asArray(input.ParameterFilters) as JsonObject[];
        const names = filters.filter((f) => f.Key === 'Name').flatMap((f) => asArray(f.Values).map(String));
        const paths = filters.filter((f) => f.Key === 'Path').flatMap((f) => asArray(f.Values).map(String));
        const found = ssm
          .list(region)
          .filter((p) => names.length === 0 || names.includes(p.name))
          .filter(
            (p) =>
              paths.length === 0 ||
              paths.some((path) => p.name.startsWith(path.endsWith('/') ? path : `${path}/`)),
          );
        return { Parameters: found.map(metadataJson) };
      },
      GetParametersByPath: (input, { region }) => {
        const path = required(input, 'Path');
        const prefix = path.endsWith('/') ? path : `${path}/`;
        const recursive = input.Recursive === true;
        const found = ssm
          .list(region)
          .filter(
            (p) => p.name.startsWith(prefix) && (recursive || !p.name.slice(prefix.length).includes('/')),
          );
        return { Parameters: found.map(parameterJson) };
      },
    },
  };
}

function required(input: JsonObject, field: string): string {
  const value = asString(input[field]);
  if (value === undefined || value.length === 0) {
    throw new AwsError(
      'ValidationException',
      `1 validation error detected: Value null at '${field.charAt(0).toLowerCase()}${field.slice(1)}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

/** Who signed the request, as an IAM ARN: the world has no IAM, so the access key names the user. */
function parameterJson(p: Parameter): JsonObject {
  return {
    Name: p.name,
    Type: p.type,
    Value: p.value,
    Version: p.version,
    LastModifiedDate: new Date(p.lastModifiedAt),
    ARN: `arn:aws:ssm:${p.region}:${p.lastModifiedUser.split(':')[4] ?? ''}:parameter${p.name.startsWith('/') ? '' : '/'}${p.name}`,
    DataType: 'text',
  };
}

function metadataJson(p: Parameter): JsonObject {
  return {
    Name: p.name,
    Type: p.type,
    Version: p.version,
    LastModifiedDate: new Date(p.lastModifiedAt),
    LastModifiedUser: p.lastModifiedUser,
    Tier: 'Standard',
    DataType: 'text',
    ...(p.description === undefined ? {} : { Description: p.description }),
  };
}

function parameterArn(region: string, account: string, name: string): string {
  return `arn:aws:ssm:${region}:${account}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
}
