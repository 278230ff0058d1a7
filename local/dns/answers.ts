import type { Plan } from '../../plan/schema.ts';
import { fqdn, type RecordSet, type Route53Model } from '../route53/model.ts';
import { CLASS_ANY, CLASS_IN, type Query, RCODE, type ResourceRecord, type Response, TYPE } from './wire.ts';

/**
 * What the world's DNS server answers: Route 53's data plane for the hosted zone, as a client
 * sees it. The plan's public record is answered with `route53.resolve(now)`, the value a client
 * behind a caching resolver has at worst (the previous answer's TTL included), so that a caller
 * resolving the record through this server is never told of a switch sooner than a user would
 * see it. Other names are answered as Route 53's authoritative servers would: the record set of
 * the asked type, or the CNAME at the name (followed while it stays in the zone); NOERROR with
 * no answer for a name that holds other types only (or only names below it) and NXDOMAIN for a
 * name the zone does not hold, both with the zone's SOA for negative caching (RFC 2308); REFUSED
 * for a name outside every hosted zone (an authoritative server does no recursion); NOTIMP for
 * an opcode other than QUERY.
 */
const TYPE_NAMES = new Map<number, string>([
  [TYPE.A, 'A'],
  [TYPE.NS, 'NS'],
  [TYPE.CNAME, 'CNAME'],
  [TYPE.SOA, 'SOA'],
  [TYPE.AAAA, 'AAAA'],
]);
const TYPE_NUMBERS = new Map([...TYPE_NAMES].map(([number, name]) => [name, number]));
const MAX_CNAME_CHAIN = 8;

export interface AnswerSources {
  plan: Plan;
  route53: Route53Model;
  /** Simulated ms now. */
  now: () => number;
}

export function answerQuery(query: Query, sources: AnswerSources): Response {
  const refused: Response = { rcode: RCODE.REFUSED, authoritative: false, answers: [], authority: [] };
  if (query.opcode !== 0) return { ...refused, rcode: RCODE.NOTIMP };
  const { question } = query;
  if (question.class !== CLASS_IN && question.class !== CLASS_ANY) return refused;
  const answers: ResourceRecord[] = [];
  let name = question.name;
  for (let step = 0; step < MAX_CNAME_CHAIN; step++) {
    const state = sources.route53.nameState(name);
    if (state !== 'exists') {
      // A CNAME that leaves the zone (or names nothing in it) ends the chain: the client resolves on.
      if (step > 0) break;
      if (state === 'outside') return refused;
      return { rcode: RCODE.NXDOMAIN, authoritative: true, answers: [], authority: soaOf(sources) };
    }
    const found = recordsAt(name, question.type, sources);
    // The owner name echoes the question's spelling (resolvers may check its case).
    answers.push(...found.map((record) => (step === 0 ? { ...record, name: question.name } : record)));
    const cname = found.find((record) => record.type === TYPE.CNAME);
    if (!cname || question.type === TYPE.CNAME || question.type === TYPE.ANY) break;
    name = cname.data;
  }
  return {
    rcode: RCODE.NOERROR,
    authoritative: true,
    answers,
    authority: answers.length === 0 ? soaOf(sources) : [],
  };
}

/** The records at an existing name answering `type`: that type, else the CNAME, else none. */
function recordsAt(name: string, type: number, sources: AnswerSources): ResourceRecord[] {
  const { plan, route53, now } = sources;
  const wanted = fqdn(name);
  const watched =
    wanted !== fqdn(plan.dns.record) || plan.dns.type === 'CNAME'
      ? route53.clientAnswer(wanted, now())
      : undefined;
  if (watched) {
    // The public record (or the drill name) as a client sees it (see above); a CNAME answers every type.
    return watched.value === undefined
      ? []
      : [{ name: wanted, type: TYPE.CNAME, ttl: watched.ttl, data: fqdn(watched.value) }];
  }
  if (type === TYPE.ANY) {
    return route53.servedTypes(wanted).flatMap((typeName) => {
      const record = route53.servedRecord(wanted, typeName);
      const number = TYPE_NUMBERS.get(typeName);
      return record && number !== undefined ? toResourceRecords(record, number) : [];
    });
  }
  const typeName = TYPE_NAMES.get(type);
  const exact = typeName === undefined ? undefined : route53.servedRecord(wanted, typeName);
  if (exact) return toResourceRecords(exact, type);
  const cname = route53.servedRecord(wanted, 'CNAME');
  return cname ? toResourceRecords(cname, TYPE.CNAME) : [];
}

function toResourceRecords(record: RecordSet, type: number): ResourceRecord[] {
  return record.values.map((value) => ({
    name: record.name,
    type,
    ttl: record.ttl ?? 300,
    data: type === TYPE.NS || type === TYPE.CNAME ? fqdn(value) : value,
  }));
}

/** The zone's SOA for the authority section of a negative answer (TTL: min of its TTL and MINIMUM). */
function soaOf({ plan, route53 }: AnswerSources): ResourceRecord[] {
  const record = route53.servedRecord(plan.dns.zoneName, 'SOA');
  const value = record?.values[0];
  if (!record || value === undefined) return [];
  const minimum = Number(value.split(/\s+/)[6] ?? Number.POSITIVE_INFINITY);
  return [{ name: record.name, type: TYPE.SOA, ttl: Math.min(record.ttl ?? 900, minimum), data: value }];
}
