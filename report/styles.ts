/**
 * The page's only stylesheet, inlined so the report needs nothing else (file://, e-mail, archive).
 * Colours only reinforce what symbols and words already say; print rules target A4 paper.
 */
export const REPORT_CSS = `
:root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --good: #1a7f37; --bad: #b3261e; --warn: #9a6700;
  --neutral: #0b5cad; --band: #f6f8fa; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Segoe UI", Helvetica, Arial, sans-serif; color: var(--ink); font-size: 14px; }
body { margin: 0 auto; max-width: 1040px; padding: 24px 28px 40px; line-height: 1.45; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.15rem; margin: 28px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
p { margin: 6px 0; }
.subtitle { color: var(--muted); margin: 0 0 14px; }
.outcome { display: inline-block; font-weight: 700; font-size: 1.1rem; padding: 6px 12px; border: 2px solid currentColor; border-radius: 6px; }
.tone-good { color: var(--good); } .tone-bad { color: var(--bad); } .tone-neutral { color: var(--neutral); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 14px 0 0; }
dl.facts dt { color: var(--muted); font-weight: 600; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.objectives { display: grid; grid-template-columns: 1fr 1fr; gap: 14px; }
.objective { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; break-inside: avoid; }
.objective h3 { margin: 0 0 6px; font-size: 1rem; }
.figure { font-size: 2rem; font-weight: 700; line-height: 1.1; }
.figure small { font-size: 0.95rem; font-weight: 400; color: var(--muted); }
.against { color: var(--muted); }
.badge { display: inline-block; font-weight: 700; letter-spacing: 0.04em; padding: 2px 10px; border-radius: 4px; border: 2px solid currentColor; margin: 6px 0; }
.verdict-met { color: var(--good); } .verdict-missed { color: var(--bad); }
.verdict-unknown { color: var(--warn); border-style: dashed; } .verdict-not-applicable { color: var(--muted); border-style: dotted; }
.explanation, .objective p { font-size: 0.92rem; }
table.steps td:nth-child(2), table.steps td:nth-child(6) { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); overflow-wrap: break-word; }
td .badge { white-space: nowrap; margin: 0; }
th { background: var(--band); font-weight: 600; }
tr { break-inside: avoid; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.arrow { color: var(--muted); padding: 0 4px; }
.none { color: var(--muted); font-style: italic; }
code, .mono { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.86rem; overflow-wrap: anywhere; }
.legend { font-size: 0.85rem; color: var(--muted); margin: 4px 0 10px; }
.legend span { margin-right: 14px; white-space: nowrap; }
svg.timeline { display: block; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
svg.timeline .row-band { fill: transparent; }
svg.timeline .timeline-row:nth-of-type(even) .row-band { fill: var(--band); }
svg.timeline .row-label { fill: var(--ink); }
svg.timeline .row-outage .row-label, svg.timeline .row-detection .row-label { font-weight: 700; }
svg.timeline .row-status { fill: var(--ink); font-size: 11.5px; }
svg.timeline .status-failed { fill: var(--bad); font-weight: 700; }
svg.timeline .bar-succeeded { fill: var(--good); }
svg.timeline .bar-failed { fill: url(#hatch-failed); stroke: var(--bad); stroke-width: 1.5; }
svg.timeline .bar-running, svg.timeline .bar-unknown { fill: var(--neutral); opacity: 0.6; }
svg.timeline .bar-skipped { fill: #aab; }
svg.timeline .bar-outage { fill: url(#hatch-outage); stroke: var(--bad); stroke-width: 1; }
svg.timeline .bar-detection { fill: var(--warn); }
svg.timeline .hatch-bg-failed { fill: #f4c7c3; } svg.timeline .hatch-bg-outage { fill: #fbe3e1; }
svg.timeline .hatch-line { stroke: var(--bad); stroke-width: 2; }
svg.timeline .bar-note { fill: var(--muted); font-style: italic; font-size: 11px; }
svg.timeline .bar-glyph { font-size: 12px; font-weight: 700; fill: var(--ink); }
svg.timeline .glyph-failed { fill: var(--bad); }
svg.timeline .glyph-retry { fill: var(--warn); }
svg.timeline .grid { stroke: var(--line); stroke-width: 1; }
svg.timeline .axis { stroke: var(--muted); }
svg.timeline .tick, svg.timeline .axis-title { fill: var(--muted); font-size: 11px; }
svg.timeline .axis-title { font-weight: 700; }
svg.timeline .marker line { stroke: var(--ink); stroke-width: 1.2; }
svg.timeline .marker text { font-size: 11px; font-weight: 700; fill: var(--ink); }
svg.timeline .marker-outage line { stroke: var(--bad); }
svg.timeline .marker-detected line { stroke: var(--warn); stroke-dasharray: 2 2; }
svg.timeline .marker-serving line { stroke: var(--good); stroke-width: 2; }
svg.timeline .marker-rto-objective line { stroke: var(--ink); stroke-dasharray: 6 3; }
svg.timeline .row-fencing .row-label { fill: var(--muted); font-size: 11px; }
svg.timeline .bar-fence-fenced { fill: var(--good); }
svg.timeline .bar-fence-pending { fill: #fff; stroke: var(--warn); stroke-width: 1.5; stroke-dasharray: 2 1; }
svg.timeline .bar-fence-failed { fill: url(#hatch-failed); stroke: var(--bad); stroke-width: 1.5; }
svg.timeline .marker-decided line { stroke: var(--neutral); stroke-dasharray: 4 2; }
svg.timeline .marker-point-of-no-return line { stroke: var(--bad); stroke-width: 1.5; stroke-dasharray: 1 2; }
svg.timeline .parallel-group path { fill: none; stroke: var(--neutral); stroke-width: 1.5; }
svg.timeline .parallel-group text { fill: var(--neutral); font-size: 9px; }
svg.history-chart { display: block; border: 1px solid var(--line); border-radius: 6px; margin-bottom: 12px; }
svg.history-chart .grid { stroke: var(--line); }
svg.history-chart .objective-line { stroke: var(--ink); stroke-dasharray: 6 3; fill: none; }
svg.history-chart .series { stroke: var(--neutral); fill: none; stroke-width: 1.5; }
svg.history-chart .point-met { fill: var(--good); }
svg.history-chart .point-missed { fill: var(--bad); }
svg.history-chart text { fill: var(--muted); font-size: 11px; }
svg.history-chart .point-label { fill: var(--ink); font-size: 10px; }
svg.history-chart .point-missed-label { fill: var(--bad); font-size: 11px; font-weight: 700; }
svg.history-chart .trend-line { stroke: var(--warn); stroke-dasharray: 2 3; fill: none; }
svg.history-chart .trend-ring { fill: none; stroke: var(--warn); stroke-width: 2; }
.trend { margin: 4px 0 8px; } .trend-approaching { color: var(--warn); } .trend-missed { color: var(--bad); }
h3 { font-size: 1rem; margin: 16px 0 6px; }
table#fencing td:nth-child(4) { white-space: nowrap; }
tr.fence-pending td:nth-child(4) { color: var(--warn); } tr.fence-failed td:nth-child(4) { color: var(--bad); }
tr.fence-fenced td:nth-child(4) { color: var(--good); }
tr.into-failure td { background: #fbe3e1; }
tr.into-failure .where { color: var(--bad); }
.verdict { font-size: 1rem; }
footer { margin-top: 30px; color: var(--muted); font-size: 0.85rem; }
a { color: var(--neutral); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  html { font-size: 10.5pt; }
  body { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section { break-inside: auto; }
  svg.timeline, .objectives, figure { break-inside: avoid; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: 0.8em; overflow-wrap: anywhere; }
  .objective, svg.timeline { border-color: #888; }
}
`;
