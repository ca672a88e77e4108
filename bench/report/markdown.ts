import { escapeMarkdown, safeHref } from './escape.ts';
import type { ReportModel } from './model.ts';
import type { Cell, Table } from './table.ts';
import { DIMENSION_LABELS } from './verdicts.ts';

/**
 * The Markdown summary (for a pull request or a wiki): the same model as the HTML page,
 * the same verdicts and tables cell for cell, without the charts. Each table follows a
 * `<!-- table: id -->` marker so tools (and the tests) can find it.
 */

function cellMd(c: Cell): string {
  const t = escapeMarkdown(c.text);
  const href = c.href ? safeHref(c.href) : null;
  const body = href ? `[${t}](${href.replace(/[()]/g, (x) => encodeURIComponent(x))})` : t;
  return c.tone === 'bad' ? `**${body}**` : body;
}

export function tableMd(t: Table): string {
  const lines = [
    `<!-- table: ${t.id} -->`,
    `**${escapeMarkdown(t.title)}**${t.caption ? ` — ${escapeMarkdown(t.caption)}` : ''}`,
    '',
    `| ${t.columns.map((c) => escapeMarkdown(c.label)).join(' | ')} |`,
    `|${t.columns.map((c) => (c.numeric ? '---:' : '---')).join('|')}|`,
    ...t.rows.map((row) => `| ${row.map(cellMd).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function reportMarkdown(m: ReportModel, chartsFile: string, generatedBy: string): string {
  const out: string[] = [`# ${escapeMarkdown(m.title)}`, '', escapeMarkdown(m.meta), ''];
  for (const b of m.banners) out.push(`> **${escapeMarkdown(b.text)}**`, '');
  out.push('## Verdicts', '');
  for (const v of m.verdicts) out.push(`- **${DIMENSION_LABELS[v.dimension]}:** ${escapeMarkdown(v.text)}`);
  out.push('', `Charts: see \`${chartsFile}\` beside this file.`, '');
  for (const s of m.sections) {
    out.push(`## ${escapeMarkdown(s.title)}`, '');
    for (const p of s.intro) out.push(escapeMarkdown(p), '');
    for (const t of s.tables) out.push(tableMd(t), '');
  }
  out.push('---', '', `_${escapeMarkdown(generatedBy)}_`, '');
  return out.join('\n');
}
