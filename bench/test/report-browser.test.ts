import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../infra/browser/launch.ts';
import { writeCompare, writeReport } from '../report/cli.ts';
import { loadResults } from '../report/load.ts';
import { resultsSchema } from '../results/schema.ts';
import { FIXTURE_CHARTS } from './fixtures/report/minimal.ts';

const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'results', 'small.json');

interface ChartBox {
  id: string;
  svgs: number;
  width: number;
  height: number;
  marks: number;
  visibleMarks: number;
}

// Runs in the page (a string, so the project needs no DOM typings): each chart's SVG size and its data marks.
const MEASURE = `[...document.querySelectorAll('figure.chart')].map((f) => {
  const svg = f.querySelector('svg');
  const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
  const marks = svg ? [...svg.querySelectorAll('g.role-mark > *')] : [];
  const visible = marks.filter((m) => { const b = m.getBoundingClientRect(); return b.width > 0 || b.height > 0; });
  return { id: f.dataset.chart, svgs: f.querySelectorAll('svg').length, width: box.width, height: box.height, marks: marks.length, visibleMarks: visible.length };
})`;

/**
 * The report as a person sees it: the HTML opened from disk in real headless Chromium
 * (Debian's, driven by playwright-core), with every network request refused.
 */
describe('report in a real browser', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    // Installs Debian's chromium with apt-get the first time on a machine (a few minutes at most).
    const started = Date.now();
    browser = await launchChromium((l) => console.log(`[chromium] ${l}`));
    console.log(`[chromium] ${browser.version()} up in ${Date.now() - started} ms`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-report-browser-'));
    const results = loadResults(FIXTURE).results;
    await writeReport(dir, results);
    await writeCompare(dir, results, results, { a: 'small.json', b: 'small.json' });
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
  });

  /** Opens a page of the report with the network shut: anything but file: is aborted and recorded. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const problems: string[] = [];
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      problems.push(`network request: ${url}`);
      return route.abort();
    });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    const response = await page.goto(pathToFileURL(path.join(dir, file)).href, { waitUntil: 'load' });
    expect(response?.ok() ?? true).toBe(true);
    return { page, problems };
  }

  it('shows every chart, each a non-empty SVG with marks, with no console error and no request off the page', async () => {
    const { page, problems } = await open('report.html');
    const charts = (await page.evaluate(MEASURE)) as ChartBox[];
    expect(charts.map((c) => c.id)).toEqual(FIXTURE_CHARTS);
    for (const c of charts) {
      expect(c.svgs, c.id).toBe(1);
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.height, c.id).toBeGreaterThan(100);
      expect(c.marks, c.id).toBeGreaterThan(0);
      expect(c.visibleMarks, c.id).toBeGreaterThan(0);
    }
    // The verdicts and tables are there too, and the emulator warning.
    expect(await page.locator('ul.verdicts li').count()).toBe(7);
    expect(await page.locator('table[data-table]').count()).toBeGreaterThanOrEqual(15);
    await expect(page.locator('.banner.warn').first().textContent()).resolves.toMatch(/LOCAL EMULATOR numbers/);
    const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'sagabench-report-screenshot-'));
    const shot = path.join(shots, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(fs.statSync(shot).size).toBeGreaterThan(50_000);
    console.log(`report screenshot: ${shot}`);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('the comparison page renders too', async () => {
    const { page, problems } = await open('compare.html');
    const charts = (await page.evaluate(MEASURE)) as ChartBox[];
    expect(charts.map((c) => c.id)).toEqual(['compare-p99', 'compare-cost']);
    for (const c of charts) expect(c.visibleMarks, c.id).toBeGreaterThan(0);
    expect(await page.locator('table[data-table]').count()).toBe(4);
    expect(problems).toEqual([]);
    await page.close();
  });
});
