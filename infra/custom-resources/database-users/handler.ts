import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import { rdsCertificateAuthorities } from '../../../functions/shared/rds-certificates.ts';
import { type CustomResourceEvent, putResponse, responseBody } from './cfn-response.ts';
import { type DatabaseSecret, type ProvisionPorts, provisionDatabaseUser } from './provision.ts';

/**
 * Deploy-time custom resource: creates the application's database user with the master
 * credentials. Runs in the database's VPC; every connection is TLS, verified against the Amazon
 * RDS certificate authorities: the PEM file beside the bundle (functions/shared/rds-certificates.ts,
 * written by infra/lambda/asset-files.ts), read on the first connection.
 */
const secrets = new SecretsManagerClient({});

const ports: ProvisionPorts = {
  async readSecret(arn) {
    const output = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
    const parsed = JSON.parse(output.SecretString ?? '{}') as Partial<DatabaseSecret>;
    if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
      throw new Error(`secret ${arn} has no username/password`);
    }
    return parsed as DatabaseSecret;
  },
  async connect(engine, master) {
    if (!master.host) throw new Error('the master secret has no host (is it attached to the instance?)');
    if (engine === 'postgres') {
      const client = new pg.Client({
        host: master.host,
        port: master.port ?? 5432,
        user: master.username,
        password: master.password,
        database: 'postgres',
        ssl: { ca: [...rdsCertificateAuthorities()], rejectUnauthorized: true },
        connectionTimeoutMillis: 10_000,
      });
      await client.connect();
      return {
        query: async (text, values) => (await client.query(text, values ? [...values] : undefined)).rows,
        literal: (value) => client.escapeLiteral(value),
        close: () => client.end(),
      };
    }
    const connection = await createConnection({
      host: master.host,
      port: master.port ?? 3306,
      user: master.username,
      password: master.password,
      ssl: { ca: [...rdsCertificateAuthorities()], rejectUnauthorized: true },
      connectTimeout: 10_000,
    });
    return {
      query: async (text, values) => {
        const [rows] = await connection.query(text, values ? [...values] : undefined);
        return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
      },
      literal: (value) => connection.escape(value),
      close: () => connection.end(),
    };
  },
  log(message, detail) {
    console.log(JSON.stringify({ message, ...detail }));
  },
};

export async function handler(event: CustomResourceEvent): Promise<void> {
  const result = await provisionDatabaseUser(event, ports);
  await putResponse(event.ResponseURL, responseBody(event, result));
}
