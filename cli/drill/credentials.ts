import { ConfigurationError } from '../../plan/errors.ts';

const HOW_TO =
  'provide AWS credentials the SDK can find: `aws configure` or `aws sso login` and AWS_PROFILE=<profile>, ' +
  'or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary ones), ' +
  'or run where an IAM role is attached (EC2 instance profile, ECS task role)';

/**
 * Resolves the client's credentials through the SDK's default provider chain before any call,
 * so that "no credentials" is one clear message instead of a failure halfway through a run.
 */
export interface HasCredentials {
  config: { credentials: () => Promise<{ accessKeyId?: string }> };
}

export async function ensureCredentials(client: HasCredentials, flag = '--target aws'): Promise<void> {
  try {
    const credentials = await client.config.credentials();
    if (!credentials.accessKeyId) throw new Error('the credential provider returned no access key');
  } catch (error) {
    const name = (error as Error).name;
    const reason =
      name === 'CredentialsProviderError'
        ? 'no AWS credentials found'
        : `AWS credentials could not be loaded (${name}: ${(error as Error).message})`;
    throw new ConfigurationError(`${flag}: ${reason}; ${HOW_TO}.`, { cause: error });
  }
}

/** Maps a credentials failure raised during a call to the same clear error; other errors pass. */
export function credentialsError(error: unknown, flag = '--target aws'): ConfigurationError | undefined {
  const name = (error as Error | undefined)?.name;
  if (
    name !== 'CredentialsProviderError' &&
    name !== 'ExpiredTokenException' &&
    name !== 'UnrecognizedClientException' &&
    name !== 'InvalidAccessKeyId' &&
    name !== 'SignatureDoesNotMatch'
  ) {
    return undefined;
  }
  // The chain found nothing: the same words as ensureCredentials, whichever call found out.
  const reason =
    name === 'CredentialsProviderError'
      ? 'no AWS credentials found'
      : `AWS rejected or could not find the credentials (${name})`;
  return new ConfigurationError(`${flag}: ${reason}; ${HOW_TO}.`, { cause: error });
}
