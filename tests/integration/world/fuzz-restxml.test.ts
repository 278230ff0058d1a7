import { ListResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorld, type World } from '../../../local/index.ts';
import { type Fuzz, fuzz, fuzzBounds, prototypePolluted } from './fuzz-support.ts';
import type { RawRequest } from './raw-request.ts';
import { referencePlan, worldClient } from './support.ts';

const plan = referencePlan();
let world: World;

function changeBatch(f: Fuzz): string {
  const record = (name: string) =>
    `<ResourceRecordSet><Name>${name}</Name><Type>${f.pick(['A', 'AAAA', 'CNAME', 'TXT', f.word()])}</Type><TTL>${f.pick(['60', '-1', 'abc', '99999999999', String(f.number())])}</TTL>${f.chance(0.3) ? `<SetIdentifier>${f.string()}</SetIdentifier><Weight>${f.pick(['0', '256', f.string()])}</Weight>` : ''}<ResourceRecords>${Array.from({ length: f.int(3) }, () => `<ResourceRecord><Value>${f.pick(['192.0.2.1', 'not-an-ip', '::1', 'a..b', 'x'.repeat(300), f.string()])}</Value></ResourceRecord>`).join('')}</ResourceRecords></ResourceRecordSet>`;
  const changes = Array.from(
    { length: f.chance(0.05) ? 1_001 : 1 + f.int(3) },
    () =>
      `<Change><Action>${f.pick(['CREATE', 'UPSERT', 'DELETE', f.word()])}</Action>${record(f.pick([`fuzz.${plan.dns.zoneName}`, plan.dns.record, `${f.word()}.example.org`, f.string()]))}</Change>`,
  ).join('');
  const comment = f.chance(0.3)
    ? `<Comment>${f.pick(['c'.repeat(257), f.string(), '<x>nested</x>'])}</Comment>`
    : '';
  return `<?xml version="1.0" encoding="UTF-8"?><ChangeResourceRecordSetsRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeBatch>${comment}<Changes>${changes}</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>`;
}

/** A query-string value; text that cannot be percent-encoded (a lone surrogate) goes in raw. */
function queryValue(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return text.replace(/[^\w.-]/g, '');
  }
}

function generate(f: Fuzz): RawRequest {
  const zone = f.pick([
    plan.dns.hostedZoneId,
    `%2Fhostedzone%2F${plan.dns.hostedZoneId}`,
    '%E0%A4%A',
    '%',
    f.word(),
    '..',
    '',
  ]);
  const [method, path] = f.pick<[string, string]>([
    ['POST', `/2013-04-01/hostedzone/${zone}/rrset`],
    ['POST', `/2013-04-01/hostedzone/${zone}/rrset/`],
    [
      'GET',
      `/2013-04-01/hostedzone/${zone}/rrset?maxitems=${f.pick(['0', '1', '301', 'x', '5'])}&name=${queryValue(f.string().slice(0, 200))}&type=${f.word()}`,
    ],
    ['GET', `/2013-04-01/hostedzone/${zone}`],
    [
      'GET',
      `/2013-04-01/hostedzone?maxitems=${f.pick(['1', '0', '101', 'x'])}&marker=${f.pick(['', plan.dns.hostedZoneId, '%zz'])}`,
    ],
    ['GET', `/2013-04-01/change/${f.pick(['C123', '%E0%A4%A', f.word()])}`],
    ['GET', `/2013-04-01/healthcheck`],
    ['GET', `/2013-04-01/healthcheck/${f.pick(['%zz', f.word()])}/status`],
    [f.pick(['DELETE', 'PUT', 'PATCH']), `/2013-04-01/${f.word()}/${f.word()}`],
  ]);
  const valid = changeBatch(f);
  const body =
    method !== 'POST'
      ? undefined
      : f.pick([
          Buffer.from(valid),
          f.mutate(Buffer.from(valid)),
          Buffer.from(`${'<a>'.repeat(5_000)}${'</a>'.repeat(5_000)}`),
          Buffer.from(
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><ChangeResourceRecordSetsRequest><ChangeBatch><Comment>&b;&b;&b;</Comment></ChangeBatch></ChangeResourceRecordSetsRequest>',
          ),
          Buffer.from(JSON.stringify(f.json())),
          Buffer.from(''),
        ]);
  return {
    method,
    path,
    headers: { 'content-type': 'text/xml' },
    ...(body === undefined ? {} : { body }),
    ...(f.chance(0.9) ? { scope: { region: 'us-east-1', service: 'route53' } } : {}),
  };
}

beforeAll(async () => {
  world = await startWorld({ plan, scale: 1000, schedule: false, alarmTrigger: false });
});
afterAll(async () => {
  await world?.close();
});

describe('restXml (Route 53) under random and mutated requests', () => {
  it('answers every request with a valid answer or an AWS-shaped 4xx, and still answers normal calls after', {
    timeout: fuzzBounds(0).budgetMs + 30_000,
  }, async () => {
    // Act
    const report = await fuzz(world.endpoint, { ...fuzzBounds(53), generate });
    const records = await worldClient(world, Route53Client, 'us-east-1').send(
      new ListResourceRecordSetsCommand({ HostedZoneId: plan.dns.hostedZoneId }),
    );

    // Assess
    expect(report.problems).toEqual([]);
    expect(report.requests).toBeGreaterThan(50);
    expect(report.answered.ok ?? 0).toBeGreaterThan(10);
    expect(prototypePolluted()).toBe(false);
    expect(records.ResourceRecordSets?.some((r) => r.Type === 'SOA')).toBe(true);
  });
});
