import type { Config, TopLevelSpec } from 'vega-lite';
import { FONT } from './charts/common.ts';

/** The report's look, applied at compile time to every chart. */
export const CHART_CONFIG: Config = {
  font: FONT,
  background: 'white',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', gridColor: '#eee' },
  legend: { labelFontSize: 11, titleFontSize: 11, labelLimit: 400 },
  title: { fontSize: 13, anchor: 'start' },
};

/**
 * Vega-Lite → Vega → SVG, in Node with no canvas: renderer 'none' builds the scene
 * graph and toSVG() writes it out. Text widths are estimated (0.8 × font size per
 * character, generous), so label limits are set wide to keep labels whole. Nothing is loaded from
 * the network: every spec carries its data inline.
 *
 * Several SVGs share one page, so every id the SVG defines (clip paths, gradients) is
 * prefixed with `idPrefix` to keep them apart.
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix: string): Promise<string> {
  // Loaded on first use: every command imports the report module, but only a report draws, and a
  // bench would otherwise carry Vega through all its load levels.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const vgSpec = compile(spec, { config: CHART_CONFIG }).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: 'none', logLevel: vega.Warn });
  try {
    const svg = await view.toSVG();
    return prefixIds(svg, idPrefix);
  } finally {
    view.finalize();
  }
}

export function prefixIds(svg: string, prefix: string): string {
  const p = prefix.replace(/[^A-Za-z0-9_-]/g, '-');
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${p}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${p}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${p}-$1"`);
}
