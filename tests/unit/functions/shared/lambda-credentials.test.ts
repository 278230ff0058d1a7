import { afterEach, describe, expect, it } from 'vitest';
import { defaultProvider } from '../../../../functions/shared/lambda-credentials.ts';

const NAMES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'] as const;
const saved = Object.fromEntries(NAMES.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of NAMES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

/** What a Lambda bundle resolves credentials with (the esbuild alias of @aws-sdk/credential-provider-node). */
describe('Lambda credentials', () => {
  it("returns the execution role's credentials the runtime puts in the environment", async () => {
    // Prepare
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'secret';
    process.env.AWS_SESSION_TOKEN = 'token';

    // Act
    const credentials = await defaultProvider()();

    // Assess
    expect(credentials).toMatchObject({
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: 'secret',
      sessionToken: 'token',
    });
  });

  it('fails with a message naming the variables when the environment has none', async () => {
    // Prepare
    for (const name of NAMES) delete process.env[name];

    // Act
    const failure = defaultProvider()();

    // Assess
    await expect(failure).rejects.toThrow(/AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN/);
  });
});
