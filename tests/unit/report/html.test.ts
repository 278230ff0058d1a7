import { describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../report/html.ts';
import { escapeHtml, html } from '../../../report/html-template.ts';
import { loadFixture } from './support/fixtures.ts';

const HOSTILE = `<script>alert("x")</script><img src=x onerror=alert(1)>&'`;

function rowsOf(page: string, category: string): string[] {
  return [
    ...page.matchAll(/<g class="timeline-row[^"]*"[^>]*data-category="([^"]+)"[^>]*data-step="([^"]*)"/g),
  ]
    .filter((match) => match[1] === category)
    .map((match) => match[2] ?? '');
}

describe('renderReportHtml', () => {
  it('escapes every operator-supplied string from the JSON', () => {
    // Prepare
    const report = loadFixture('failover-failed');
    report.trigger.reason = HOSTILE;
    report.trigger.requestedBy = HOSTILE;
    report.plan.name = HOSTILE;
    report.steps[0] = { ...report.steps[0], step: HOSTILE, detail: HOSTILE } as (typeof report.steps)[0];
    report.changes[0] = { resource: HOSTILE, action: HOSTILE, before: HOSTILE, after: HOSTILE };
    report.errors[0] = { step: HOSTILE, name: HOSTILE, cause: HOSTILE };

    // Act
    const page = renderReportHtml(report);

    // Assess
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&#39;',
    );
  });

  it("says why a dry run's failover would wait for a decision, under its own heading", () => {
    // Prepare
    const report = loadFixture('dry-run');
    report.outcome = 'would-wait-for-decision';
    report.noChangeDetail = 'a failover started now would wait: the RPO guard cannot accept the replica lag';

    // Act
    const page = renderReportHtml(report);

    // Assess
    expect(page).toContain(
      'Dry run: a failover would stop for a person&#39;s decision before the point of no return',
    );
    expect(page).toContain(
      '<dt>Why it would wait</dt><dd id="no-change">a failover started now would wait: the RPO guard cannot accept the replica lag</dd>',
    );
  });

  it('is one self-contained page: inline CSS and SVG, no script, no external resource', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const page = renderReportHtml(report);

    // Assess
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<style>');
    expect(page).toContain('<svg class="timeline"');
    expect(page).not.toMatch(/<script|<link|<img|<iframe|@import|url\(http/i);
    expect(page).not.toMatch(/\ssrc=/i);
    expect(page).toContain("default-src 'none'");
  });

  it('prints on A4', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const page = renderReportHtml(report);

    // Assess
    expect(page).toContain('@page { size: A4;');
    expect(page).toContain('@media print');
  });

  it('draws one timeline row per step, in time order, after the outage and detection rows', () => {
    // Prepare
    const report = loadFixture('failover-succeeded');

    // Act
    const page = renderReportHtml(report);

    // Assess
    expect(rowsOf(page, 'outage')).toEqual(['Outage (primary region lost)']);
    expect(rowsOf(page, 'detection')).toEqual(['Detection']);
    expect(rowsOf(page, 'step')).toEqual(report.steps.map((entry) => entry.step));
    expect(page).toContain('class="parallel-group" data-rows="4-8"');
  });

  it('prints RTO and RPO as figures with PASS/FAIL words on the badges', () => {
    // Prepare
    const succeeded = loadFixture('failover-succeeded');
    const failed = loadFixture('failover-failed');

    // Act
    const good = renderReportHtml(succeeded);
    const bad = renderReportHtml(failed);

    // Assess
    expect(good).toContain('<span class="figure-value" data-seconds="468">468 s</span>');
    expect(good).toContain('✓ RTO PASS');
    expect(good).toContain('✓ RPO PASS');
    expect(bad).toContain('✕ RTO FAIL');
    expect(bad).toContain('✕ failed');
    expect(bad).toContain('↻2');
    expect(bad).toContain('TaskStartFailureError');
  });

  it('links an AWS run to the console and shows the execution id', () => {
    // Prepare
    const report = loadFixture('dry-run');

    // Act
    const page = renderReportHtml(report);

    // Assess
    expect(page).toContain(
      'href="https://us-west-2.console.aws.amazon.com/states/home?region=us-west-2#/v2/executions/details/arn:aws:states:us-west-2:123456789012:execution:shop-failover:dry-run-2026-W47"',
    );
    expect(page).toContain('What a failover would change');
    expect(page).toContain('– RTO N/A');
  });
});

describe('html template', () => {
  it('escapes interpolated values but keeps nested markup', () => {
    // Prepare
    const inner = html`<b>${'<i>'}</b>`;

    // Act
    const outer = html`<p title="${'"quoted"'}">${inner}${['a&b', 1]}</p>`;

    // Assess
    expect(outer.value).toBe('<p title="&quot;quoted&quot;"><b>&lt;i&gt;</b>a&amp;b1</p>');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });
});
