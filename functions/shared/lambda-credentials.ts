import { fromEnv } from '@aws-sdk/credential-provider-env';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/**
 * What the Lambda bundles use in place of the SDK's default credential chain
 * (@aws-sdk/credential-provider-node; infra/lambda/bundle-options.ts aliases it here).
 *
 * On Lambda the runtime always puts the execution role's credentials in AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, reserved variables a function's configuration
 * cannot set ("Defined runtime environment variables", AWS Lambda Developer Guide), and the
 * default chain tries the environment first. So reading the environment alone finds the same
 * credentials, and leaves out the chain's other sources — shared ini files, SSO, login, web
 * identity, process, container and instance metadata, with the STS and SSO clients they carry
 * (about 140 KB of bundle, ~60 ms of every cold start). The SDK's own env provider is used, so
 * the credentials are built exactly as the chain's first link builds them. The local world and
 * the tests run the unbundled code with the full chain.
 */
export function defaultProvider(): AwsCredentialIdentityProvider {
  const env = fromEnv();
  return async (): Promise<AwsCredentialIdentity> => {
    try {
      return await env();
    } catch (error) {
      throw new Error(
        'No AWS credentials in the environment: on Lambda the runtime sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from the execution role, and drctl bundles read only those (infra/lambda/bundle-options.ts).',
        { cause: error },
      );
    }
  };
}
