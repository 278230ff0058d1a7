import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { formatSecondsFigure, svgNumber } from './format.ts';
import { type HistorySeries, type HistoryView, verdictWord } from './history.ts';
import { page } from './html.ts';
import { html, type SafeHtml } from './html-template.ts';
import { TREND_SHARE } from './trend.ts';

/** The history page: RTO and RPO of past runs against the objectives, a chart each and a table. */
const WIDTH = 1000;
const HEIGHT = 220;
const LEFT = 70;
const RIGHT = 970;
const TOP = 20;
const BOTTOM = 180;

/** A round grid step giving three to six lines: 1, 2, 5 × 10^n seconds. */
export function niceStep(maximum: number): number {
  const raw = maximum / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return (
    ([1, 2, 5, 10].map((factor) => factor * magnitude).find((candidate) => candidate >= raw) ??
      10 * magnitude) ||
    1
  );
}

/** Labels at the chart's ends grow inwards so they stay inside it. */
function anchorAt(run: number, runs: number): 'start' | 'middle' | 'end' {
  if (runs > 1 && run === 0) return 'start';
  if (runs > 1 && run === runs - 1) return 'end';
  return 'middle';
}

/** The trend's words, and a mark on the chart when the last runs approach the objective. */
function trendBanner(series: HistorySeries): SafeHtml {
  const { trend } = series;
  const symbol = trend.state === 'approaching' ? '⚠' : trend.state === 'missed' ? '✕' : '·';
  return html`<p class="trend trend-${trend.state}" id="${series.name.toLowerCase()}-trend" data-trend="${trend.state}" data-rule="${trend.rule ?? ''}"><strong>${symbol} ${trend.state === 'approaching' ? 'Trend: approaching the objective' : 'Trend'}</strong>: ${trend.text}.</p>`;
}

function chart(series: HistorySeries, runs: number, dates: string[]): SafeHtml {
  const step = niceStep(series.maxSeconds * 1.1);
  const top = Math.max(step * Math.ceil((series.maxSeconds * 1.1) / step), step);
  const x = (run: number) => (runs <= 1 ? (LEFT + RIGHT) / 2 : LEFT + (run / (runs - 1)) * (RIGHT - LEFT));
  const y = (seconds: number) => BOTTOM - (seconds / top) * (BOTTOM - TOP);
  const gridValues = Array.from({ length: Math.round(top / step) + 1 }, (_, index) => index * step);
  const grid = gridValues.map(
    (value) =>
      html`<line class="grid" x1="${LEFT}" y1="${svgNumber(y(value))}" x2="${RIGHT}" y2="${svgNumber(y(value))}"/><text x="${LEFT - 6}" y="${svgNumber(y(value) + 4)}" text-anchor="end">${formatSecondsFigure(Math.round(value))} s</text>`,
  );
  const objectivePath = series.objectives
    .map((objective, run) => `${run === 0 ? 'M' : 'L'}${svgNumber(x(run))} ${svgNumber(y(objective))}`)
    .join(' ');
  const objectiveLine =
    series.objectives.length === 1
      ? html`<path class="objective-line" d="M${LEFT} ${svgNumber(y(series.objectives[0] ?? 0))} H${RIGHT}"/>`
      : html`<path class="objective-line" d="${objectivePath}"/>`;
  const lastObjective = series.objectives.at(-1);
  const approaching = series.trend.state === 'approaching';
  // The 80 % line the trend rule watches, drawn when the trend approaches it.
  const shareLine = approaching
    ? html`<path class="trend-line" d="${series.objectives
        .map(
          (objective, run) =>
            `${run === 0 ? 'M' : 'L'}${svgNumber(runs <= 1 ? LEFT : x(run))} ${svgNumber(y(objective * TREND_SHARE))}`,
        )
        .join(
          ' ',
        )}${series.objectives.length === 1 ? ` H${RIGHT}` : ''}"/><text x="${RIGHT - 4}" y="${svgNumber(y((lastObjective ?? 0) * TREND_SHARE) - 5)}" text-anchor="end">${Math.round(TREND_SHARE * 100)} % of the objective</text>`
    : html``;
  const trendRuns = new Set(approaching ? series.trend.runs : []);
  const seriesPath = series.points
    .map(
      (point, index) => `${index === 0 ? 'M' : 'L'}${svgNumber(x(point.run))} ${svgNumber(y(point.seconds))}`,
    )
    .join(' ');
  const points = series.points.map((point) => {
    const cx = svgNumber(x(point.run));
    const cy = svgNumber(y(point.seconds));
    const mark =
      point.verdict === 'met'
        ? html`<circle class="point-met" cx="${cx}" cy="${cy}" r="5"/>`
        : html`<path class="point-missed" d="M${svgNumber(x(point.run) - 5)} ${svgNumber(y(point.seconds) - 5)} l10 10 m0 -10 l-10 10" stroke="currentColor" stroke-width="3" style="stroke:#b3261e"/>`;
    const ring = trendRuns.has(point.run)
      ? html`<circle class="trend-ring" cx="${cx}" cy="${cy}" r="9"/>`
      : html``;
    return html`<g class="history-point" data-series="${series.name}" data-seconds="${point.seconds}" data-verdict="${point.verdict}" data-trend="${trendRuns.has(point.run) ? 'approaching' : ''}"><title>${point.label}</title>${ring}${mark}<text class="point-label" x="${cx}" y="${svgNumber(y(point.seconds) - 9)}" text-anchor="middle">${formatSecondsFigure(point.seconds)} s ${verdictWord(point.verdict)}</text></g>`;
  });
  const missed = series.missedWithoutFigure.map(
    (entry) =>
      html`<g class="history-point" data-series="${series.name}" data-seconds="" data-verdict="missed"><title>${entry.label}</title><text class="point-missed-label" x="${svgNumber(x(entry.run))}" y="${TOP + 4}" text-anchor="${anchorAt(entry.run, runs)}">✕ FAIL: not recovered</text></g>`,
  );
  const labelEvery = Math.max(1, Math.ceil(runs / 8));
  const xLabels = dates.map((date, run) =>
    run % labelEvery === 0 || run === runs - 1
      ? html`<text x="${svgNumber(x(run))}" y="${BOTTOM + 18}" text-anchor="${anchorAt(run, runs)}">${date.slice(0, 10)}</text>`
      : html``,
  );
  return html`<svg class="history-chart" role="img" aria-label="${series.name} of ${runs} runs against the objective" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" xmlns="http://www.w3.org/2000/svg" font-size="11">
<title>${series.name} of past runs (dashed: objective)</title>
${grid}
${objectiveLine}
${shareLine}
${lastObjective === undefined ? '' : html`<text x="${LEFT + 4}" y="${svgNumber(y(lastObjective) - 5)}" text-anchor="start">objective ${formatSecondsFigure(lastObjective)} s</text>`}
<path class="series" d="${seriesPath}"/>
${points}
${missed}
${xLabels}
</svg>`;
}

export function renderHistoryHtml(view: HistoryView): string {
  const dates = view.rows.map((row) => row.startedAt);
  const rows = view.rows.map(
    (row) => html`<tr data-file="${row.file}">
<td class="num">${row.when}</td><td>${row.plan}</td><td>${row.mode}</td><td>${row.trigger}</td><td>${row.outcome}</td>
<td class="num">${row.rto.figure} / ${row.rto.objective}</td><td><span class="badge verdict-${row.rto.verdict}">${verdictWord(row.rto.verdict)}</span></td>
<td class="num">${row.rpo.figure} / ${row.rpo.objective}</td><td><span class="badge verdict-${row.rpo.verdict}">${verdictWord(row.rpo.verdict)}</span></td>
<td>${row.htmlFile ? html`<a href="${row.htmlFile}">${row.file}</a>` : row.file}</td>
</tr>`,
  );
  const unplotted = (series: HistorySeries) =>
    series.unplotted > 0
      ? html`<p class="legend">${series.unplotted} run(s) without a ${series.name} verdict (dry runs or unknown) are in the table, not on the chart.</p>`
      : '';
  const s = view.summary;
  return page(
    `drctl run history: ${view.plans.join(', ')}`,
    html`<header><h1>Recovery drills and failovers: history</h1>
<p class="subtitle">${view.plans.join(', ') || 'no plan'} · ${s.runs} runs${view.firstRun ? ` from ${view.firstRun} to ${view.lastRun}` : ''}</p>
<p id="history-summary">RTO: ${s.rtoMet} met, ${s.rtoMissed} missed · RPO: ${s.rpoMet} met, ${s.rpoMissed} missed</p></header>
<section id="rto-history"><h2>Recovery time (RTO) per run</h2>
<p class="legend"><span>● PASS: within the objective</span><span>✕ FAIL: over the objective</span><span>┆ dashed line: objective</span></p>
${trendBanner(view.rto)}
${chart(view.rto, view.rows.length, dates)}${unplotted(view.rto)}</section>
<section id="rpo-history"><h2>Data loss window (RPO) per run</h2>
${trendBanner(view.rpo)}
${chart(view.rpo, view.rows.length, dates)}${unplotted(view.rpo)}</section>
<section id="runs"><h2>Runs</h2>
<table><thead><tr><th>Started (UTC)</th><th>Plan</th><th>Mode</th><th>Trigger</th><th>Outcome</th><th>RTO / objective</th><th></th><th>RPO / objective</th><th></th><th>Report</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="10" class="none">No run reports found.</td></tr>`}</tbody></table></section>
<footer>Generated by drctl from the run reports in the folder. Times are UTC.</footer>`,
  );
}

export function writeHistoryHtml(view: HistoryView, htmlPath: string): void {
  mkdirSync(dirname(htmlPath), { recursive: true });
  writeFileSync(htmlPath, renderHistoryHtml(view), 'utf8');
}
