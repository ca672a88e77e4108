/**
 * The report's tables as data: facts.ts builds them once from a results file and both
 * html.ts and markdown.ts render the same cells, so the two outputs cannot disagree.
 */
export type Tone = 'ok' | 'bad';

export interface Cell {
  text: string;
  /** Right-aligned (a number). */
  numeric?: boolean;
  /** Green (held) or red (broken). */
  tone?: Tone;
  /** A link, https only (a price's source page). */
  href?: string;
}

export interface Table {
  /** Stable id: the HTML's data-table and the Markdown's marker comment. */
  id: string;
  title: string;
  caption?: string;
  columns: Array<{ label: string; numeric?: boolean; nowrap?: boolean }>;
  rows: Cell[][];
}

export const text = (t: string, extra: Omit<Cell, 'text'> = {}): Cell => ({ text: t, ...extra });
export const num = (t: string, extra: Omit<Cell, 'text' | 'numeric'> = {}): Cell => ({ text: t, numeric: true, ...extra });
export const col = (label: string, numeric = false, nowrap = false) => ({ label, numeric, nowrap });
