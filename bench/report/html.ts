import type { Chart } from './charts/common.ts';
import { escapeHtml, safeHref } from './escape.ts';
import type { ReportModel } from './model.ts';
import { renderSvg } from './render-svg.ts';
import { CSS } from './style.ts';
import type { Cell, Table } from './table.ts';
import { DIMENSION_LABELS } from './verdicts.ts';

/**
 * The self-contained HTML page: one file, inline CSS, the charts as inline SVG, no
 * script, font or image from anywhere (a Content-Security-Policy says so to the
 * browser too). Every string from the results goes through escapeHtml.
 */

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function cellHtml(c: Cell, tag: 'td' | 'th', nowrap = false): string {
  const cls = [c.numeric ? 'num' : '', nowrap ? 'nowrap' : '', c.tone ?? ''].filter(Boolean).join(' ');
  const href = c.href ? safeHref(c.href) : null;
  const body = href ? `<a href="${escapeHtml(href)}" rel="noreferrer noopener">${escapeHtml(c.text)}</a>` : escapeHtml(c.text);
  return `<${tag}${cls ? ` class="${cls}"` : ''}>${body}</${tag}>`;
}

export function tableHtml(t: Table): string {
  const head = `<tr>${t.columns.map((c) => `<th${c.numeric ? ' class="num"' : ''} scope="col">${escapeHtml(c.label)}</th>`).join('')}</tr>`;
  const rows = t.rows.map((row) => `<tr>${row.map((c, i) => cellHtml(c, 'td', t.columns[i]?.nowrap)).join('')}</tr>`).join('\n');
  return (
    `<div class="table-wrap"><table data-table="${escapeHtml(t.id)}"><caption>${escapeHtml(t.title)}</caption>\n<thead>${head}</thead>\n<tbody>\n${rows}\n</tbody></table>` +
    `${t.caption ? `<p class="table-note">${escapeHtml(t.caption)}</p>` : ''}</div>`
  );
}

export async function chartHtml(c: Chart, emulatorNumbers: boolean): Promise<string> {
  const svg = await renderSvg(c.spec, `c-${c.id}`);
  const emu = c.latency && emulatorNumbers ? '<span class="emu">LOCAL EMULATOR numbers</span> ' : '';
  // The figure is as wide as its chart, so the caption wraps under it and charts can sit side by side.
  const width = Number(/^<svg[^>]*\swidth="(\d+(?:\.\d+)?)"/.exec(svg)?.[1] ?? 0);
  const style = width > 0 ? ` style="width:${Math.ceil(width) + 26}px"` : '';
  return (
    `<figure class="chart"${style} id="chart-${escapeHtml(c.id)}" data-chart="${escapeHtml(c.id)}"><h3>${escapeHtml(c.title)}</h3>\n` +
    `${svg}\n<figcaption>${emu}${escapeHtml(c.caption)}</figcaption></figure>`
  );
}

export function pageHtml(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export async function reportHtml(m: ReportModel, emulatorNumbers: boolean, generatedBy: string): Promise<string> {
  const banners = m.banners.map((b) => `<div class="banner ${b.tone}">${escapeHtml(b.text)}</div>`).join('\n');
  const verdicts = m.verdicts
    .map(
      (v) =>
        `<li data-dimension="${v.dimension}"><span class="dim">${escapeHtml(DIMENSION_LABELS[v.dimension])}</span><span class="text">${escapeHtml(v.text)}</span></li>`,
    )
    .join('\n');
  const toc = m.sections.map((s) => `<a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a>`).join('');
  const sections: string[] = [];
  for (const s of m.sections) {
    const charts: string[] = [];
    // One at a time: each render builds and frees its own Vega view.
    for (const c of s.charts) charts.push(await chartHtml(c, emulatorNumbers));
    sections.push(
      `<section id="${escapeHtml(s.id)}"><h2>${escapeHtml(s.title)}</h2>\n${s.intro.map((p) => `<p>${escapeHtml(p)}</p>`).join('\n')}\n` +
        `${charts.length ? `<div class="charts">\n${charts.join('\n')}\n</div>` : ''}\n${s.tables.map(tableHtml).join('\n')}\n</section>`,
    );
  }
  const body =
    `<header class="top"><h1>${escapeHtml(m.title)}</h1><p class="meta">${escapeHtml(m.meta)}</p>\n${banners}\n` +
    `<h2 style="border:0;margin-top:18px">Verdicts</h2><ul class="verdicts">\n${verdicts}\n</ul>\n<nav class="toc">${toc}</nav></header>\n` +
    `<main>\n${sections.join('\n')}\n</main>\n<footer>${escapeHtml(generatedBy)}</footer>`;
  return pageHtml(m.title, body);
}
