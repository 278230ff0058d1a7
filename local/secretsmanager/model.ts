import { randomBytes } from 'node:crypto';
import { CANARY_USER, canarySecretName } from '../../plan/names.ts';
import type { WorldContext } from '../context.ts';
import { AwsError } from '../protocol/errors.ts';

/**
 * Secrets Manager, as far as drctl reads it: secrets per region, each with one current version
 * (staging label AWSCURRENT). The world deploys what the CDK app deploys for the write canary:
 * one secret per plan database, `canarySecretName(plan, db.id)`, in the primary region and as a
 * replica secret (same name, same value) in the DR region, holding the RDS secret JSON
 * `{ "username": "drctl_canary", "password": ... }` with a generated password that the world's
 * MySQL endpoints of that database accept. A secret is found by name, full ARN or partial ARN
 * (the ARN without its random six-character suffix), as GetSecretValue documents.
 */
export interface Secret {
  name: string;
  region: string;
  arn: string;
  versionId: string;
  secretString: string;
  createdAt: Date;
  /** The region of the primary secret, for a replica secret. */
  primaryRegion: string | undefined;
}

export const CURRENT_STAGE = 'AWSCURRENT';

const notFound = () =>
  new AwsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");

export class SecretsManagerModel {
  private readonly secrets = new Map<string, Secret>();
  private readonly context: WorldContext;

  constructor(context: WorldContext) {
    this.context = context;
    const { plan } = context;
    for (const database of plan.databases) {
      // The password generated as the CDK app's DatabaseSecret does: long and random (no punctuation
      // the RDS secret JSON or a connection string would need to escape).
      const password = randomBytes(24).toString('base64url');
      const value = JSON.stringify({ username: CANARY_USER, password });
      const name = canarySecretName(plan, database.id);
      this.put(plan.regions.primary, name, value, undefined);
      this.put(plan.regions.dr, name, value, plan.regions.primary);
    }
  }

  private put(region: string, name: string, secretString: string, primaryRegion: string | undefined): Secret {
    const suffix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 6);
    const secret: Secret = {
      name,
      region,
      arn: `arn:aws:secretsmanager:${region}:${this.context.account}:secret:${name}-${suffix}`,
      versionId: crypto.randomUUID(),
      secretString,
      createdAt: new Date(this.context.clock.now()),
      primaryRegion,
    };
    this.secrets.set(`${region}|${name}`, secret);
    return secret;
  }

  /** The secret a SecretId names in the region (name, ARN or partial ARN), or ResourceNotFoundException. */
  find(region: string, secretId: string): Secret {
    const byName = this.secrets.get(`${region}|${secretId}`);
    if (byName) return byName;
    for (const secret of this.secrets.values()) {
      if (secret.region !== region) continue;
      const partial = secret.arn.slice(0, secret.arn.length - 7);
      if (secretId === secret.arn || secretId === partial) return secret;
    }
    throw notFound();
  }

  /** GetSecretValue: the current version, or the one a VersionId / VersionStage names. */
  value(region: string, secretId: string, versionId?: string, versionStage?: string): Secret {
    const secret = this.find(region, secretId);
    if (versionId !== undefined && versionId !== secret.versionId) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for VersionId: ${versionId.slice(0, 64)}`,
      );
    }
    if (versionStage !== undefined && versionStage !== CURRENT_STAGE) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for staging label: ${versionStage.slice(0, 256)}`,
      );
    }
    return secret;
  }

  /** The canary's password for a plan database (what its MySQL endpoints accept), as the secret holds it. */
  canaryPassword(region: string, databaseId: string): string | undefined {
    const secret = this.secrets.get(`${region}|${canarySecretName(this.context.plan, databaseId)}`);
    if (!secret) return undefined;
    const parsed = JSON.parse(secret.secretString) as { password?: unknown };
    return typeof parsed.password === 'string' ? parsed.password : undefined;
  }

  all(): Secret[] {
    return [...this.secrets.values()];
  }
}
