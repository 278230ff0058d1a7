import { describe, expect, it } from 'vitest';
import { inputGroup, largestInputs } from '../../../bench/startup/bundle.ts';

describe('bundle size attribution', () => {
  it('groups files by npm package, scoped packages by scope and name', () => {
    // Prepare
    const inputs = [
      'node_modules/zod/v4/core/schemas.js',
      'node_modules/@aws-sdk/client-rds/dist-es/index.js',
      'node_modules/@smithy/core/node_modules/@smithy/util/dist/x.js',
      'functions/shared/contracts.ts',
    ];

    // Act
    const groups = inputs.map(inputGroup);

    // Assess
    expect(groups).toEqual(['zod', '@aws-sdk/client-rds', '@smithy/util', 'functions']);
  });

  it('lists the largest contributors first, summed over their files', () => {
    // Prepare
    const metafile = {
      inputs: {},
      outputs: {
        'index.cjs': {
          bytes: 0,
          imports: [],
          exports: [],
          inputs: {
            'node_modules/yaml/dist/a.js': { bytesInOutput: 300 },
            'node_modules/yaml/dist/b.js': { bytesInOutput: 300 },
            'node_modules/zod/index.js': { bytesInOutput: 500 },
            'functions/notify/handler.ts': { bytesInOutput: 10 },
          },
        },
      },
    };

    // Act
    const largest = largestInputs(metafile, 2);

    // Assess
    expect(largest).toEqual([
      { input: 'yaml', bytes: 600 },
      { input: 'zod', bytes: 500 },
    ]);
  });
});
