import { REGISTRY } from '../../infra/variants.ts';
/**
 * Every number the report prints goes through one of these, so the HTML page and the
 * Markdown summary show the same figure the same way (en-US grouping, fixed precision).
 */

const grouped = (v: number, digits = 0) => v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Milliseconds: whole ms from 10 ms up (HdrHistogram keeps 3 significant digits), one decimal below. */
export function fmtMs(v: number): string {
  return Math.abs(v) < 10 && !Number.isInteger(v) ? grouped(v, 1) : grouped(Math.round(v));
}

/** Dollars: cents from one cent up, three significant digits below (a per-order price). */
export function fmtUsd(v: number): string {
  if (v === 0) return '$0';
  const sign = v < 0 ? '−' : '';
  const a = Math.abs(v);
  if (a >= 0.01) return `${sign}$${grouped(a, 2)}`;
  return `${sign}$${a.toPrecision(3)}`;
}

/** A list price: up to four significant digits, never in exponent notation ("$0.625", "$13.33"). */
export function fmtPrice(v: number): string {
  return `$${v.toLocaleString('en-US', { maximumSignificantDigits: 4 })}`;
}

/** A ratio such as variant ÷ floor. */
export function fmtRatio(v: number): string {
  return grouped(v, 2);
}

/** Orders per second. */
export function fmtRate(v: number): string {
  return grouped(v, 2);
}

/** A count: whole when it is whole, else one decimal (a per-order mean). */
export function fmtCount(v: number): string {
  return Number.isInteger(v) ? grouped(v) : grouped(v, 1);
}

/** Per-order counts such as 12.57 state transitions; three significant digits below 0.01 (0.0000136 GB of log). */
export function fmtPerOrder(v: number): string {
  if (Number.isInteger(v)) return grouped(v);
  return Math.abs(v) < 0.01 ? v.toPrecision(3) : grouped(v, 2);
}

/** A monthly volume of orders, rounded to whole orders. */
export function fmtVolume(v: number): string {
  return grouped(Math.round(v));
}

/** A signed change in percent, or an em dash when there is no base to compare with. */
export function fmtPctChange(a: number, b: number): string {
  if (a === 0) return b === 0 ? '0.0%' : '—';
  const p = ((b - a) / Math.abs(a)) * 100;
  return `${p > 0 ? '+' : p < 0 ? '−' : ''}${grouped(Math.abs(p), 1)}%`;
}

/** A signed absolute change, formatted like its values. */
export function fmtSigned(d: number, fmt: (v: number) => string): string {
  if (d === 0) return fmt(0);
  const s = fmt(Math.abs(d));
  return `${d > 0 ? '+' : '−'}${s.replace(/^[−-]/, '')}`;
}

/** A load level as a reader says it: "8 clients" (closed loop) or "5 orders/s" (open loop). */
export function fmtLevel(level: number, loop: 'closed' | 'open'): string {
  const n = grouped(level, Number.isInteger(level) ? 0 : 1);
  return loop === 'closed' ? `${n} ${level === 1 ? 'client' : 'clients'}` : `${n} orders/s`;
}

export function levelAxisTitle(loop: 'closed' | 'open'): string {
  return loop === 'closed' ? 'concurrent clients (closed loop)' : 'offered orders per second (open loop)';
}

/** Each registered variant's label, and each what-if series' (its registry entry names both). */
const VARIANT_LABELS: Record<string, string> = Object.fromEntries(
  REGISTRY.flatMap((v) => [[v.name, v.label], ...(v.billing.whatIf ? [[v.billing.whatIf.label, v.billing.whatIf.displayName]] : [])]),
);

/** A variant's (or a cost series') name for people. */
export function variantLabel(name: string): string {
  return VARIANT_LABELS[name] ?? name;
}

/** "a, b and c". */
export function listing(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export { fmtEmulators } from '../results/emulators.ts';
