import type { FactLine } from './facts-view.ts';
import { html, type SafeHtml } from './html-template.ts';
import type { ReportView } from './view-model.ts';

/**
 * The page's sections on the point of no return (decision, confirmation, fencing per resource)
 * and on what the recovery depended on. Every state reads in words and symbols, not only colour.
 */
function facts(lines: readonly FactLine[], id: string): SafeHtml {
  return html`<dl class="facts" id="${id}">${lines.map((line) => html`<dt>${line.term}</dt><dd>${line.text}</dd>`)}</dl>`;
}

export function pointOfNoReturn(view: ReportView): SafeHtml {
  if (view.decision.length === 0 && view.confirmation.length === 0 && view.fencing === null) return html``;
  const fencing = view.fencing
    ? html`<h3>Fencing of the old primary</h3><p id="fencing-summary">${view.fencing.summary}</p>
<table id="fencing"><thead><tr><th>Resource</th><th>Kind</th><th>Action</th><th>Result</th><th>Detail</th></tr></thead><tbody>${view.fencing.rows.map(
        (row) =>
          html`<tr class="fence-${row.outcome}" data-fence="${row.outcome}"><td class="mono">${row.resource}</td><td>${row.kind}</td><td>${row.action}</td><td><strong>${row.symbol} ${row.outcome}</strong></td><td>${row.detail}</td></tr>`,
      )}</tbody></table>`
    : html``;
  return html`<section id="point-of-no-return"><h2>The point of no return</h2>
${view.decision.length > 0 ? html`<h3>Decision</h3>${facts(view.decision, 'decision')}` : ''}
${view.confirmation.length > 0 ? html`<h3>Confirmation</h3>${facts(view.confirmation, 'confirmation')}` : ''}
${fencing}
</section>`;
}

export function dependencies(view: ReportView): SafeHtml {
  const deps = view.dependencies;
  if (!deps) return html``;
  // Measured rows carry no step: the column shows only for declared dependencies.
  const withStep = deps.rows.some((row) => row.step !== '');
  const rows = deps.rows.map(
    (row) =>
      html`<tr class="${row.intoFailure ? 'into-failure' : ''}" data-required="${row.required}" data-into-failure="${row.intoFailure}">
<td>${row.requiredText}</td><td>${row.service}</td><td>${row.region}${row.whereText ? html`<br><strong class="where">${row.whereText}</strong>` : ''}</td><td class="mono">${row.operation}</td><td class="num">${row.calls}</td><td class="num">${row.failed}</td>${withStep ? html`<td>${row.step}</td>` : ''}
</tr>`,
  );
  return html`<section id="dependencies"><h2>What the recovery depended on</h2>
<p class="verdict tone-${deps.verdictTone}" id="dependency-verdict"><strong>${deps.verdictTone === 'good' ? '✓' : deps.verdictTone === 'bad' ? '✕' : '?'} ${deps.verdict}</strong></p>
<p class="legend">${deps.source}</p>
<table id="dependency-table"><thead><tr><th>Need</th><th>Service</th><th>Region</th><th>Operation</th><th>Calls</th><th>Failed</th>${withStep ? html`<th>Step</th>` : ''}</tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="${withStep ? 7 : 6}" class="none">No call recorded.</td></tr>`}</tbody></table>
</section>`;
}
