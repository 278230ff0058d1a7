import { formatClock, svgNumber } from './format.ts';
import { html, type SafeHtml } from './html-template.ts';
import type { Timeline, TimelineMarker, TimelineRow } from './timeline.ts';

/**
 * The Gantt chart as inline SVG: one row per step, bars on a shared time axis, markers for the
 * outage, detection, DR serving and the RTO deadline. Every state has a symbol and words next to
 * it, so the chart reads in black and white and in print.
 */
const WIDTH = 1000;
const LABEL_X = 22;
const CHART_LEFT = 250;
const CHART_RIGHT = 716;
const STATUS_X = 748;
const ROW_HEIGHT = 28;
const BAR_HEIGHT = 14;
const HEADER = 56;
const FOOTER = 30;

function rowTop(index: number): number {
  return HEADER + index * ROW_HEIGHT;
}

function xAt(seconds: number, span: number): number {
  return CHART_LEFT + (Math.min(Math.max(seconds, 0), span) / span) * (CHART_RIGHT - CHART_LEFT);
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function statusLine(row: TimelineRow): string {
  const parts = [
    `${row.symbol} ${row.category === 'step' || row.category === 'fencing' ? row.statusText : row.durationText}`,
  ];
  if (row.category === 'step' && row.outcome !== 'skipped') parts.push(row.durationText);
  if (row.retryText) parts.push(row.retryText);
  return parts.join(' · ');
}

function bar(row: TimelineRow, span: number, observedUntil: number): SafeHtml {
  const top = rowTop(row.index) + (ROW_HEIGHT - BAR_HEIGHT) / 2;
  if (row.start === null) {
    return html`<text class="bar-note" x="${CHART_LEFT + 4}" y="${top + BAR_HEIGHT - 3}">${
      row.outcome === 'skipped' ? '– not run' : '? time unknown'
    }</text>`;
  }
  const x1 = xAt(row.start, span);
  const x2 = xAt(row.end ?? observedUntil, span);
  // A bar never vanishes: an instant step still gets a visible sliver.
  const width = Math.max(x2 - x1, 3);
  const openEdge = row.open
    ? html`<text class="bar-glyph" x="${svgNumber(x1 + width - 10)}" y="${top + BAR_HEIGHT - 3}">→</text>`
    : html``;
  // Failure and retries are marked on the bar itself, as symbols that survive black-and-white print.
  const glyphs = [row.outcome === 'failed' ? '✕' : '', row.retries > 0 ? `↻${row.retries}` : '']
    .filter(Boolean)
    .join(' ');
  const endGlyph = glyphs
    ? html`<text class="bar-glyph ${row.outcome === 'failed' ? 'glyph-failed' : 'glyph-retry'}" x="${svgNumber(x1 + width + 3)}" y="${top + BAR_HEIGHT - 2}">${glyphs}</text>`
    : html``;
  const barClass =
    row.category === 'step'
      ? row.outcome
      : row.category === 'fencing'
        ? `fence-${row.fenceOutcome ?? 'pending'}`
        : row.category;
  return html`<rect class="bar bar-${barClass}" x="${svgNumber(x1)}" y="${top}" width="${svgNumber(width)}" height="${BAR_HEIGHT}" rx="2"/>${openEdge}${endGlyph}`;
}

function tooltip(row: TimelineRow): string {
  const from = row.startedAt ? formatClock(row.startedAt) : 'unknown';
  const to = row.endedAt ? formatClock(row.endedAt) : row.open ? 'not ended' : 'unknown';
  const extra = [row.result, row.detail, row.errorText].filter(Boolean).join(' — ');
  return `${row.label}: ${from} → ${to} UTC (${row.durationText})${extra ? ` — ${extra}` : ''}`;
}

function renderRow(row: TimelineRow, span: number, observedUntil: number): SafeHtml {
  const top = rowTop(row.index);
  const textY = top + ROW_HEIGHT / 2 + 4;
  return html`<g class="timeline-row row-${row.category}" data-row="${row.index}" data-category="${row.category}" data-step="${row.label}" data-outcome="${row.outcome}">
<title>${tooltip(row)}</title>
<rect class="row-band" x="0" y="${top}" width="${WIDTH}" height="${ROW_HEIGHT}"/>
<text class="row-label" x="${LABEL_X}" y="${textY}">${truncate(row.label, 34)}</text>
${bar(row, span, observedUntil)}
<text class="row-status status-${row.outcome}" x="${STATUS_X}" y="${textY}">${truncate(statusLine(row), 42)}</text>
</g>`;
}

/** Label lines above the chart: markers close in time go on different lines, never over each other. */
const LABEL_LINES = [12, 25, 38];
/** Width of a marker label at 11 px bold, a little generous. */
const labelWidth = (label: string) => label.length * 6.8 + 6;

interface PlacedMarker {
  marker: TimelineMarker;
  /** Where the marker's line is drawn. */
  x: number;
  /** Where its label is written (moved right of a crowded spot when every line is taken there). */
  labelX: number;
  anchor: 'start' | 'middle' | 'end';
  line: number;
}

export function placeMarkers(markers: readonly TimelineMarker[], span: number): PlacedMarker[] {
  const taken: { from: number; to: number }[][] = LABEL_LINES.map(() => []);
  return markers.map((marker) => {
    const x = Number(svgNumber(xAt(marker.at, span)));
    // Labels near the chart's edges grow inwards, away from the step and result columns.
    let anchor: PlacedMarker['anchor'] =
      x > CHART_RIGHT - 70 ? 'end' : x < CHART_LEFT + 40 ? 'start' : 'middle';
    const width = labelWidth(marker.label);
    const from = anchor === 'start' ? x : anchor === 'end' ? x - width : x - width / 2;
    const free = (line: number, extent: { from: number; to: number }) =>
      (taken[line] ?? []).every((other) => other.to <= extent.from || extent.to <= other.from);
    let extent = { from, to: from + width };
    let labelX = x;
    let line = LABEL_LINES.findIndex((_, candidate) => free(candidate, extent));
    if (line < 0) {
      // Every line is taken here: write the label just after the line that frees up first.
      const ends = taken.map((extents) => Math.max(...extents.map((other) => other.to)));
      line = ends.indexOf(Math.min(...ends));
      labelX = (ends[line] ?? x) + 4;
      anchor = 'start';
      extent = { from: labelX, to: labelX + width };
    }
    taken[line]?.push(extent);
    return { marker, x, labelX, anchor, line };
  });
}

function renderMarker(placed: PlacedMarker, bottom: number): SafeHtml {
  const { marker, anchor } = placed;
  const x = svgNumber(placed.x);
  const labelY = LABEL_LINES[placed.line] ?? LABEL_LINES[0];
  return html`<g class="marker marker-${marker.kind}" data-marker="${marker.kind}">
<line x1="${x}" y1="${(labelY ?? 12) + 4}" x2="${x}" y2="${bottom}"/>
<text x="${svgNumber(placed.labelX)}" y="${labelY}" text-anchor="${anchor}">${marker.label}</text>
</g>`;
}

export function renderTimelineSvg(timeline: Timeline, caption: string): SafeHtml {
  const span = timeline.spanSeconds;
  const bottom = rowTop(timeline.rows.length);
  const height = bottom + FOOTER;
  const ticks = timeline.ticks.map((tick) => {
    const x = svgNumber(xAt(tick.at, span));
    return html`<line class="grid" x1="${x}" y1="${HEADER - 4}" x2="${x}" y2="${bottom}"/><text class="tick" x="${x}" y="${bottom + 16}" text-anchor="middle">${tick.label}</text>`;
  });
  const groups = timeline.parallelGroups.map((group) => {
    const y1 = rowTop(group.firstRow) + 4;
    const y2 = rowTop(group.lastRow + 1) - 4;
    const middle = svgNumber((y1 + y2) / 2);
    return html`<g class="parallel-group" data-rows="${group.firstRow}-${group.lastRow}">
<path d="M18 ${y1} H14 V${y2} H18"/>
<text x="11" y="${middle}" transform="rotate(-90 11 ${middle})" text-anchor="middle">parallel</text>
</g>`;
  });
  return html`<svg class="timeline" role="img" aria-labelledby="timeline-caption" viewBox="0 0 ${WIDTH} ${height}" width="100%" xmlns="http://www.w3.org/2000/svg" font-size="12">
<title id="timeline-caption">${caption}</title>
<defs>
<pattern id="hatch-failed" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" class="hatch-bg-failed"/><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern>
<pattern id="hatch-outage" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" class="hatch-bg-outage"/><line x1="0" y1="0" x2="0" y2="6" class="hatch-line"/></pattern>
</defs>
<text class="axis-title" x="${LABEL_X}" y="${HEADER - 6}">Step</text>
<text class="axis-title" x="${STATUS_X}" y="${HEADER - 6}">Result</text>
${ticks}
${timeline.rows.map((row) => renderRow(row, span, timeline.observedUntil))}
${groups}
${placeMarkers(timeline.markers, span).map((placed) => renderMarker(placed, bottom))}
<line class="axis" x1="${CHART_LEFT}" y1="${bottom}" x2="${CHART_RIGHT}" y2="${bottom}"/>
</svg>`;
}
