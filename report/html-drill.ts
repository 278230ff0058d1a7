import { formatClock, formatSecondsFigure } from './format.ts';
import { html, type SafeHtml } from './html-template.ts';
import type { DrillFacts, DrillResource, RunReport } from './schema.ts';

/**
 * The page's drill section (mode drill): what the drill made and what became of it. The copies
 * with their times (created, available, promoted with the lag read before, deleted), the data
 * loss per database with its basis, what the sweep removed, the cleanup per resource, the
 * verdict and, in the local world, the mutating calls on production (zero, or each one named).
 * Every state reads in words and symbols, not only colour.
 */
const when = (iso: string | null) => (iso === null ? '—' : formatClock(iso));
const secondsText = (value: number | null) =>
  value === null ? 'unknown' : `${formatSecondsFigure(value)} s`;

const OUTCOME_SYMBOL: Record<DrillResource['outcome'], string> = {
  cleaned: '✓',
  skipped: '–',
  pending: '…',
  failed: '✕',
};

const BASIS_TEXT = {
  canary: 'the write canary (heartbeats on the primary and on the copy at the declared outage)',
  'replica-lag-estimate': "an estimate: the copy's replica lag at promotion (the canary is off)",
  unknown: 'unknown: no canary and no lag reading',
} as const;

function resourceTable(resources: readonly DrillResource[], id: string): SafeHtml {
  if (resources.length === 0) return html`<p class="none" id="${id}">Nothing.</p>`;
  return html`<table id="${id}"><thead><tr><th>Resource</th><th>Kind</th><th>Action</th><th>Result</th><th>Detail</th></tr></thead><tbody>${resources.map(
    (r) =>
      html`<tr data-outcome="${r.outcome}"><td class="mono">${r.resource}</td><td>${r.kind}</td><td>${r.action}</td><td><strong>${OUTCOME_SYMBOL[r.outcome]} ${r.outcome}</strong></td><td>${r.detail}</td></tr>`,
  )}</tbody></table>`;
}

function copies(drill: DrillFacts): SafeHtml {
  if (drill.copies.length === 0) return html`<p class="none" id="drill-copies">No copy was made.</p>`;
  return html`<table id="drill-copies"><thead><tr><th>Database</th><th>Copy</th><th>Source</th><th>Created</th><th>Available</th><th>Promoted</th><th>Lag at promotion</th><th>Deleted</th><th>Last status</th></tr></thead><tbody>${drill.copies.map(
    (copy) =>
      html`<tr><td>${copy.databaseId}</td><td class="mono">${copy.identifier}</td><td class="mono">${copy.sourceIdentifier ?? '—'}</td><td class="num">${when(copy.createdAt)}</td><td class="num">${when(copy.availableAt)}</td><td class="num">${when(copy.promotedAt)}</td><td class="num">${secondsText(copy.lagAtPromotionSeconds)}</td><td class="num">${when(copy.deletedAt)}</td><td>${copy.status ?? 'unknown'}</td></tr>`,
  )}</tbody></table>`;
}

function dataLoss(drill: DrillFacts): SafeHtml {
  const loss = drill.dataLoss;
  if (!loss) return html`<p class="none" id="drill-data-loss">Not measured: the drill did not get there.</p>`;
  return html`<p>Basis: <strong id="drill-basis">${BASIS_TEXT[loss.basis]}</strong></p>
<table id="drill-data-loss"><thead><tr><th>Database</th><th>Copy</th><th>Writes lost</th><th>Seconds lost</th><th>Basis</th><th>Detail</th></tr></thead><tbody>${loss.databases.map(
    (db) =>
      html`<tr><td>${db.databaseId}</td><td class="mono">${db.copyIdentifier ?? '—'}</td><td class="num">${db.writesLost ?? 'unknown'}</td><td class="num">${secondsText(db.secondsLost)}</td><td>${db.basis}</td><td>${db.detail}</td></tr>`,
  )}</tbody></table>`;
}

function cleanup(drill: DrillFacts): SafeHtml {
  const done = drill.cleanup;
  if (!done)
    return html`<p class="verdict tone-bad" id="drill-cleanup-state"><strong>? Cleanup not seen</strong>: check the drill copies, the DR services and the drill gate.</p>`;
  const state =
    done.complete === true
      ? html`<strong>✓ Complete</strong>: nothing was left behind`
      : done.complete === false
        ? html`<strong>✕ Incomplete</strong>: left behind: ${done.leftBehind.join('; ') || 'see the table'}`
        : html`<strong>? Not seen to end</strong>`;
  return html`<p class="verdict tone-${done.complete === true ? 'good' : 'bad'}" id="drill-cleanup-state">${state}</p>${resourceTable(done.resources, 'drill-cleanup')}`;
}

function production(drill: DrillFacts): SafeHtml {
  const prod = drill.production;
  if (!prod) return html``;
  const rows = prod.calls.map(
    (call) =>
      html`<tr><td class="num">${formatClock(call.at)}</td><td>${call.service}</td><td>${call.region}</td><td class="mono">${call.operation}</td><td class="mono">${call.resources.join(', ')}</td><td>${call.outcome}</td></tr>`,
  );
  return html`<h3>Production</h3><p class="verdict tone-${prod.mutatingCalls === 0 ? 'good' : 'bad'}" id="drill-production"><strong>${prod.mutatingCalls === 0 ? '✓ 0 mutating calls on production resources' : `✕ ${prod.mutatingCalls} mutating calls on production resources`}</strong></p>${
    rows.length > 0
      ? html`<table><thead><tr><th>At</th><th>Service</th><th>Region</th><th>Operation</th><th>Resources</th><th>Outcome</th></tr></thead><tbody>${rows}</tbody></table>`
      : ''
  }`;
}

export function drillSection(report: RunReport): SafeHtml {
  const drill = report.drill;
  if (!drill)
    return html`<section id="drill"><h2>The drill</h2><p class="none">No drill facts in this report.</p></section>`;
  return html`<section id="drill"><h2>The drill</h2><dl class="facts">
<dt>Drill name</dt><dd id="drill-record">${drill.recordName ?? 'unknown'}${drill.answer ? ` (DNS answered ${drill.answer})` : ''}; the public record was not touched</dd>
<dt>Declared outage</dt><dd id="drill-outage">${drill.outageAt ? `${formatClock(drill.outageAt)} UTC (the RTO runs from here)` : 'not declared: the drill ended before'}</dd>
<dt>Served through the drill name</dt><dd id="drill-served">${drill.servedAt ? `${formatClock(drill.servedAt)} UTC (the RTO ends here)` : 'not seen'}</dd>
${drill.verdict ? html`<dt>Verdict</dt><dd id="drill-verdict"><strong>${drill.verdict.outcome}</strong>${drill.verdict.error ? ` (${drill.verdict.error})` : ''}: ${drill.verdict.cause}</dd>` : ''}
</dl>
<h3>Copies</h3>${copies(drill)}
<h3>Data loss</h3>${dataLoss(drill)}
<h3>Sweep of earlier drills</h3>${resourceTable(drill.sweep?.resources ?? [], 'drill-sweep')}
<h3>Cleanup</h3>${cleanup(drill)}
${production(drill)}
</section>`;
}
