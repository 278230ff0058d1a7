import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SFNClient } from '@aws-sdk/client-sfn';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../cli/commands/report.ts';
import { startWorld } from '../../local/index.ts';
import { loadPlanFile } from '../../plan/load.ts';
import { fetchExecution } from '../../report/fetch-execution.ts';
import { reportFromExecution } from '../../report/from-execution.ts';
import { type RunReport, runReportSchema } from '../../report/schema.ts';
import { writeRunReportJson } from '../../report/write-json.ts';
import { ensureChromium, launchChromium } from './chromium.ts';

const FIXTURES = resolve('tests/unit/report/fixtures');
const OUT = resolve('reports/screenshots');

function fixture(name: string): RunReport {
  return runReportSchema.parse(JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')));
}

interface Opened {
  page: Page;
  requests: string[];
  consoleErrors: string[];
  url: string;
}

describe('the evidence page in a real browser', () => {
  let browser: BrowserContext;

  beforeAll(async () => {
    // Installing Chromium on a fresh machine takes longer than the default hook timeout.
    ensureChromium();
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, json = join(FIXTURES, `${name}.json`)): Promise<Opened> {
    const html = join(OUT, `report-${name}.html`);
    const code = await run([json, '--out', html]);
    expect(code).toBe(0);
    const page = await browser.newPage();
    const requests: string[] = [];
    const consoleErrors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    const url = pathToFileURL(html).href;
    await page.goto(url, { waitUntil: 'load' });
    return { page, requests, consoleErrors, url };
  }

  it('shows a successful failover truthfully: one timeline row per step in order, the RTO of the JSON', async () => {
    // Prepare
    mkdirSync(OUT, { recursive: true });
    const report = fixture('failover-succeeded');

    // Act
    const { page, requests, consoleErrors, url } = await open('failover-succeeded');
    const rows = await page
      .locator('svg.timeline g.timeline-row[data-category="step"]')
      .evaluateAll((groups) =>
        groups.map((group) => ({
          step: group.getAttribute('data-step'),
          top: group.querySelector('.row-label')?.getBoundingClientRect().top ?? Number.NaN,
          shown: group.querySelector('.row-label')?.textContent,
        })),
      );
    const rtoText = await page.locator('#rto .figure-value').textContent();
    const rtoSeconds = await page.locator('#rto .figure-value').getAttribute('data-seconds');
    const rtoBadge = await page.locator('#rto .badge').textContent();
    await page.screenshot({ path: join(OUT, 'report-failover-succeeded.png'), fullPage: true });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    writeFileSync(join(OUT, 'report-failover-succeeded.pdf'), pdf);
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    await page.screenshot({ path: join(OUT, 'report-failover-succeeded-print.png'), fullPage: true });

    // Assess
    expect(rows.map((row) => row.step)).toEqual(report.steps.map((step) => step.step));
    expect(rows.map((row) => row.shown)).toEqual(report.steps.map((step) => step.step));
    const tops = rows.map((row) => row.top);
    expect(
      tops.every((top, index) => index === 0 || top > (tops[index - 1] ?? Number.POSITIVE_INFINITY)),
    ).toBe(true);
    expect(rtoText).toBe(`${report.rto.seconds} s`);
    expect(Number(rtoSeconds)).toBe(report.rto.seconds);
    expect(rtoBadge?.trim()).toBe('✓ RTO PASS');
    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);
    // A4 is 210 x 297 mm, about 595 x 842 points; Chromium writes the size into every page's MediaBox.
    const mediaBoxes = [...pdf.toString('latin1').matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
    expect(mediaBoxes.length).toBeGreaterThan(0);
    for (const [, width, height] of mediaBoxes) {
      expect(Math.abs(Number(width) - 595.3)).toBeLessThan(1.5);
      expect(Math.abs(Number(height) - 841.9)).toBeLessThan(1.5);
    }
  });

  it('shows a failed run with the failed step marked in words and the error with its cause', async () => {
    // Prepare
    const report = fixture('failover-failed');

    // Act
    const { page, requests, url } = await open('failover-failed');
    const failedRow = page.locator('svg.timeline g.timeline-row[data-outcome="failed"]');
    const failedStatus = await failedRow.locator('.row-status').textContent();
    const errorsText = await page.locator('#errors').textContent();
    const outcome = await page.locator('#outcome').textContent();
    const reason = await page.locator('#reason').textContent();
    await page.screenshot({ path: join(OUT, 'report-failover-failed.png'), fullPage: true });

    // Assess
    expect(await failedRow.getAttribute('data-step')).toBe('Scale web');
    expect(failedStatus).toContain('✕ failed');
    expect(failedStatus).toContain('↻ 2 retries');
    expect(errorsText).toContain(report.errors[0]?.cause);
    expect(outcome?.trim()).toBe('✕ Failed');
    expect(reason).toBe(report.trigger.reason);
    expect(requests).toEqual([url]);
  });

  it('shows the point of no return and what the recovery depended on, in words', async () => {
    // Prepare
    const report = fixture('failover-fenced');

    // Act
    const { page, requests, url } = await open('failover-fenced');
    const rows = await page.locator('svg.timeline g.timeline-row').evaluateAll((groups) =>
      groups.map((group) => ({
        category: group.getAttribute('data-category'),
        step: group.getAttribute('data-step'),
        status: group.querySelector('.row-status')?.textContent ?? '',
      })),
    );
    const decision = await page.locator('#decision').innerText();
    const fencing = await page.locator('#fencing').innerText();
    const verdict = await page.locator('#dependency-verdict').innerText();
    const flagged = await page.locator('#dependency-table tr[data-into-failure="true"]').allInnerTexts();
    await page.screenshot({ path: join(OUT, 'report-failover-fenced.png'), fullPage: true });

    // Assess
    const status = (step: string) => rows.find((row) => row.step === step)?.status ?? '';
    expect(status('Decision')).toContain('approved by alice');
    expect(status('Confirm')).toContain('primary still down');
    expect(rows.filter((row) => row.category === 'fencing')).toHaveLength(
      report.fencing?.resources.length ?? -1,
    );
    expect(decision).toContain('customers cannot check out');
    expect(decision).toContain('up to 300 s of data loss, for this run only');
    expect(fencing).toContain('✕ failed');
    expect(fencing).toContain('… pending');
    expect(verdict).toContain('No required call reached us-east-1');
    expect(flagged).toHaveLength(2);
    for (const row of flagged) expect(row).toContain('failed region');
    expect(requests).toEqual([url]);
  });

  it('shows the report of a real failover in the local world with its steps in time order', async () => {
    // Prepare: a failover of the reference plan, reported from the execution history over the SDK.
    const plan = loadPlanFile(resolve('drctl.plan.yaml'));
    const world = await startWorld({ plan, scale: 400, seed: 11, schedule: false, alarmTrigger: false });
    let report: RunReport;
    try {
      await world.runFor(180);
      const input = {
        mode: 'failover',
        reason: 'browser test',
        incidentId: 'E2E-1',
        requestedBy: 'e2e@example.com',
      };
      const execution = world.stepFunctions.start(input, 'e2e-report');
      await world.stepFunctions.wait(execution.arn);
      const client = new SFNClient({ region: plan.regions.dr, endpoint: world.endpoint });
      report = reportFromExecution(await fetchExecution(client, execution.arn), plan);
    } finally {
      await world.close();
    }
    const json = join(OUT, 'report-local-world.json');
    writeRunReportJson(report, json);

    // Act
    const { page, requests, url } = await open('local-world', json);
    const rows = await page
      .locator('svg.timeline g.timeline-row[data-category="step"]')
      .evaluateAll((groups) => groups.map((group) => group.getAttribute('data-step')));
    const rto = await page.locator('#rto .figure-value').textContent();
    await page.screenshot({ path: join(OUT, 'report-local-world.png'), fullPage: true });

    // Assess
    const byStart = [...report.steps].sort(
      (a, b) => Date.parse(a.startedAt ?? '') - Date.parse(b.startedAt ?? ''),
    );
    expect(report.steps.length).toBeGreaterThanOrEqual(12);
    expect(rows).toEqual(byStart.map((step) => step.step));
    expect(rows).toEqual(
      expect.arrayContaining(['Confirm', 'Fence old primary', 'Switch traffic', 'Verify']),
    );
    // The history cannot know when the outage began: the page says unknown rather than a number.
    expect(report.rto.seconds).toBeNull();
    expect(rto).toBe('unknown');
    expect(requests).toEqual([url]);
  });
});
