import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatClock } from './format.ts';
import { drillSection } from './html-drill.ts';
import { dependencies, pointOfNoReturn } from './html-facts.ts';
import { html, type SafeHtml, trusted } from './html-template.ts';
import type { RunReport } from './schema.ts';
import { REPORT_CSS } from './styles.ts';
import type { Timeline } from './timeline.ts';
import { renderTimelineSvg } from './timeline-svg.ts';
import { buildReportView, type ObjectiveView, type ReportView } from './view-model.ts';

/**
 * The evidence page: one self-contained HTML document (inline CSS and SVG, no scripts, no
 * external resources), so it opens from file://, survives as an e-mail attachment and prints.
 */
const BADGE_SYMBOL: Record<ObjectiveView['verdict'], string> = {
  met: '✓',
  missed: '✕',
  unknown: '?',
  'not-applicable': '–',
};

export function page(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${title}</title>
<style>${trusted(REPORT_CSS)}</style>
</head>
<body>
${body}
</body>
</html>
`.value;
}

function objectiveCard(objective: ObjectiveView, extra: SafeHtml): SafeHtml {
  return html`<div class="objective" id="${objective.name.toLowerCase()}" data-verdict="${objective.verdict}">
<h3>${objective.title}</h3>
<div class="figure"><span class="figure-value" data-seconds="${objective.seconds ?? ''}">${objective.figure}</span>${
    objective.humanFigure ? html` <small>(${objective.humanFigure})</small>` : ''
  }</div>
<div class="against">objective ${objective.objectiveFigure}</div>
<div class="badge verdict-${objective.verdict}">${BADGE_SYMBOL[objective.verdict]} ${objective.name} ${objective.badge}</div>
<p class="explanation">${objective.explanation}</p>
${extra}
</div>`;
}

function header(view: ReportView): SafeHtml {
  return html`<header>
<h1>${view.planName}: ${view.modeWord} evidence report</h1>
<p class="subtitle">Execution <span class="mono">${view.execution.name}</span> · ${view.target} · ${view.regions.primary} → ${view.regions.dr}</p>
<div class="outcome tone-${view.outcome.tone}" id="outcome">${view.outcome.symbol} ${view.outcome.label}</div>
${view.interrupted ? html`<p class="interrupted" id="interrupted">${view.interrupted.text}</p>` : ''}
<dl class="facts">
<dt>Mode</dt><dd id="mode">${view.mode}</dd>
<dt>Trigger</dt><dd id="trigger">${view.trigger.kind}, requested by <strong>${view.trigger.requestedBy}</strong></dd>
${view.detectionPath ? html`<dt>Detected by</dt><dd id="detection-path">${view.detectionPath}</dd>` : ''}
${view.noChangeDetail ? html`<dt>${view.noChangeTitle}</dt><dd id="no-change">${view.noChangeDetail}</dd>` : ''}
${view.traffic ? html`<dt>Traffic</dt><dd id="traffic">${view.traffic}</dd>` : ''}
<dt>Reason</dt><dd id="reason">${view.trigger.reason}</dd>
<dt>Incident</dt><dd>${view.trigger.incidentId}</dd>
<dt>Execution status</dt><dd>${view.execution.status}</dd>
<dt>Report generated</dt><dd>${view.generatedAt}</dd>
</dl>
</header>`;
}

function objectives(view: ReportView): SafeHtml {
  const rtoExtra = html`<p>Detection: ${view.detection}</p>${
    view.runToServing ? html`<p>Run start → DR serving: ${view.runToServing}</p>` : ''
  }`;
  const lagRows = view.replicaLag.map(
    (entry) => html`<tr><td>${entry.database}</td><td class="num">${entry.figure}</td></tr>`,
  );
  const rpoExtra = html`<p>Writes lost: <strong id="writes-lost">${view.writesLost}</strong></p>
<p>Writes diverged on an old primary: <strong id="writes-diverged">${view.writesDiverged}</strong></p>
<table class="replica-lag"><thead><tr><th>Database</th><th>Replica lag at promotion</th></tr></thead><tbody>${
    lagRows.length > 0 ? lagRows : html`<tr><td colspan="2" class="none">No database in this run.</td></tr>`
  }</tbody></table>`;
  return html`<section id="objectives"><h2>Objectives</h2><div class="objectives">
${objectiveCard(view.rto, rtoExtra)}
${objectiveCard(view.rpo, rpoExtra)}
</div></section>`;
}

function timeline(view: ReportView): SafeHtml {
  const steps = view.timeline.rows.filter((row) => row.category === 'step');
  const origin = view.timeline.originIso
    ? `t = 0 at ${formatClock(view.timeline.originIso)} UTC`
    : 'no times known';
  const table = steps.map(
    (row, index) => html`<tr data-step="${row.label}">
<td class="num">${index + 1}</td><td>${row.label}</td>
<td class="num">${row.startedAt ? formatClock(row.startedAt) : '—'}</td>
<td class="num">${row.endedAt ? formatClock(row.endedAt) : '—'}</td>
<td class="num">${row.durationText}</td>
<td>${row.symbol} ${row.statusText}${row.retryText ? html`<br>${row.retryText}` : ''}</td>
<td>${detailCell(row)}</td>
</tr>`,
  );
  return html`<section id="timeline"><h2>Timeline</h2>
<p class="legend"><span>${origin}</span><span>✓ succeeded</span><span>✕ failed</span><span>↻ retried</span><span>– not run</span><span>? unknown</span><span>⚠ outage</span><span>┆ dashed line: RTO objective</span></p>
${renderTimelineSvg(view.timeline, `Timeline of ${view.execution.name}: ${steps.length} steps`)}
<table class="steps"><thead><tr><th>#</th><th>Step</th><th>Start (UTC)</th><th>End (UTC)</th><th>Duration</th><th>Result</th><th>Detail</th></tr></thead>
<tbody>${steps.length > 0 ? table : html`<tr><td colspan="7" class="none">No steps recorded.</td></tr>`}</tbody></table>
</section>`;
}

function changes(view: ReportView): SafeHtml {
  const rows = view.changes.map(
    (change) =>
      html`<tr><td class="mono">${change.resource}</td><td>${change.action}</td><td>${change.before}<span class="arrow">→</span>${change.after}</td></tr>`,
  );
  return html`<section id="changes"><h2>${view.changesHeading}</h2>${
    rows.length > 0
      ? html`<table><thead><tr><th>Resource</th><th>Action</th><th>Before → after</th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p class="none">Nothing changed.</p>`
  }</section>`;
}

function errors(view: ReportView): SafeHtml {
  const rows = view.errors.map(
    (error) =>
      html`<tr><td>${error.step ?? '(execution)'}</td><td><strong>✕ ${error.name}</strong></td><td>${error.cause}</td></tr>`,
  );
  return html`<section id="errors"><h2>Errors</h2>${
    rows.length > 0
      ? html`<table><thead><tr><th>Step</th><th>Error</th><th>Cause</th></tr></thead><tbody>${rows}</tbody></table>`
      : html`<p class="none">No errors.</p>`
  }</section>`;
}

function execution(view: ReportView): SafeHtml {
  const link = view.execution.consoleUrl
    ? html`<a id="console-link" href="${view.execution.consoleUrl}">Open the execution in the AWS console</a>`
    : html`<span class="none">none (local world)</span>`;
  return html`<section id="execution"><h2>Execution</h2><dl class="facts">
<dt>Execution ARN</dt><dd class="mono" id="execution-arn">${view.execution.arn}</dd>
<dt>Name</dt><dd class="mono">${view.execution.name}</dd>
<dt>Status</dt><dd>${view.execution.status}</dd>
<dt>Started</dt><dd>${view.execution.startedAt}</dd>
<dt>Stopped</dt><dd>${view.execution.stoppedAt ?? 'not stopped'}${view.execution.duration ? ` (ran ${view.execution.duration})` : ''}</dd>
<dt>AWS console</dt><dd>${link}</dd>
</dl></section>`;
}

function detailCell(row: Timeline['rows'][number]): SafeHtml {
  const parts: SafeHtml[] = [];
  if (row.result) parts.push(html`<span class="result">${row.result}</span>`);
  if (row.detail) parts.push(html`${row.detail}`);
  if (row.errorText) parts.push(html`<strong>${row.errorText}</strong>`);
  return html`${parts.map((part, index) => (index === 0 ? part : html`<br>${part}`))}`;
}

export function renderReportHtml(report: RunReport): string {
  const view = buildReportView(report);
  return page(
    view.title,
    html`${header(view)}
${objectives(view)}
${timeline(view)}
${pointOfNoReturn(view)}
${report.mode === 'drill' ? drillSection(report) : changes(view)}
${dependencies(view)}
${errors(view)}
${execution(view)}
<footer>Generated by drctl from the run's JSON report (schema version ${report.schemaVersion}). Times are UTC${
      report.target === 'local' ? ', in the local world’s simulated time' : ''
    }.</footer>`,
  );
}

/** Writes the evidence page for a run; drill calls this next to the JSON it wrote. */
export function writeHtmlReport(report: RunReport, htmlPath: string): void {
  mkdirSync(dirname(htmlPath), { recursive: true });
  writeFileSync(htmlPath, renderReportHtml(report), 'utf8');
}
