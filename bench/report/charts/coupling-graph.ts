import { Graph, layout } from '@dagrejs/dagre';
import type { VariantResult } from '../../results/schema.ts';
import { variantLabel } from '../format.ts';
import type { Chart } from './common.ts';

/**
 * The component graph of one variant. Layout: a layered (Sugiyama) layout computed
 * here with dagre, top to bottom along the import direction, so whoever imports
 * everything (the orchestrator, the choreography's coordination) sits on top and what
 * everything imports (contracts, domain) at the bottom. It is deterministic (nodes and
 * edges are added in sorted order; dagre has no randomness). Vega-Lite then only draws
 * the computed positions (scale: null): rect + text for components, line for edges, a
 * rotated triangle for each arrowhead.
 */

const ROLE_COLORS = { coordinator: '#fdd0a2', service: '#c6dbef', shared: '#e5e5e5' } as const;
type Role = keyof typeof ROLE_COLORS;
const ROLE_LABELS: Record<Role, string> = { coordinator: 'coordinates the saga', service: 'domain service', shared: 'shared code' };

function roleOf(name: string): Role {
  if (name === 'orchestrator' || name === 'coordination') return 'coordinator';
  if (['contracts', 'domain', 'platform', 'service-common'].includes(name)) return 'shared';
  return 'service';
}

const NODE_H = 38;
const nodeWidth = (name: string) => Math.max(96, name.length * 7.5 + 24);

export interface GraphLayout {
  width: number;
  height: number;
  nodes: Array<{ name: string; x: number; y: number; width: number; height: number; files: number; role: Role }>;
  edges: Array<{ from: string; to: string; imports: number; typeOnly: boolean; points: Array<{ x: number; y: number }> }>;
}

export function layoutComponents(s: NonNullable<VariantResult['coupling']>['static']): GraphLayout {
  const g = new Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 22, ranksep: 46, edgesep: 10, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const comps = [...s.components].sort((a, b) => a.name.localeCompare(b.name));
  for (const c of comps) g.setNode(c.name, { width: nodeWidth(c.name), height: NODE_H });
  const edges = [...s.edges].sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  for (const e of edges) if (e.from !== e.to && g.hasNode(e.from) && g.hasNode(e.to)) g.setEdge(e.from, e.to, { weight: 1 });
  layout(g);
  const info = new Map(comps.map((c) => [c.name, c]));
  const graph = g.graph() as { width?: number; height?: number };
  return {
    width: Math.ceil(graph.width ?? 0),
    height: Math.ceil(graph.height ?? 0),
    nodes: comps.map((c) => {
      const n = g.node(c.name) as { x: number; y: number; width: number; height: number };
      return {
        name: c.name,
        x: n.x,
        y: n.y,
        width: n.width,
        height: n.height,
        files: info.get(c.name)?.files.length ?? 0,
        role: roleOf(c.name),
      };
    }),
    edges: edges
      .filter((e) => g.hasEdge(e.from, e.to))
      .map((e) => ({
        from: e.from,
        to: e.to,
        imports: e.imports,
        typeOnly: e.imports > 0 && e.typeOnly === e.imports,
        points: ((g.edge(e.from, e.to) as { points?: Array<{ x: number; y: number }> }).points ?? []).map((p) => ({ x: p.x, y: p.y })),
      })),
  };
}

export function couplingGraphChart(v: VariantResult): Chart | null {
  const s = v.coupling?.static;
  if (!s || !s.components.length) return null;
  const g = layoutComponents(s);
  const edgePoints = g.edges.flatMap((e, ei) =>
    e.points.map((p, i) => ({
      edge: ei,
      i,
      x: p.x,
      y: p.y,
      w: Math.min(4, 0.8 + Math.log2(1 + e.imports) * 0.6),
      dashed: e.typeOnly,
      tip: `${e.from} → ${e.to}: ${e.imports} imports`,
    })),
  );
  const heads = g.edges.flatMap((e) => {
    const n = e.points.length;
    if (n < 2) return [];
    const end = e.points[n - 1]!;
    const prev = e.points[n - 2]!;
    const dx = end.x - prev.x;
    const dy = end.y - prev.y;
    const len = Math.hypot(dx, dy) || 1;
    // Symbol 'triangle-up' points up at angle 0; angles run clockwise on screen (y down).
    return [{ x: end.x - (dx / len) * 4, y: end.y - (dy / len) * 4, angle: (Math.atan2(dx, -dy) * 180) / Math.PI }];
  });
  const nodes = g.nodes.map((n) => ({
    name: n.name,
    x: n.x - n.width / 2,
    x2: n.x + n.width / 2,
    y: n.y - n.height / 2,
    y2: n.y + n.height / 2,
    cx: n.x,
    cy: n.y,
    label: [n.name, `${n.files} file${n.files === 1 ? '' : 's'}`],
    role: ROLE_LABELS[n.role],
  }));
  const px = { scale: null, axis: null } as const;
  const roles = (Object.keys(ROLE_COLORS) as Role[]).filter((r) => g.nodes.some((n) => n.role === r));
  // Value imports solid, type-only imports dashed; the same line otherwise.
  const edgeLayer = (dashed: boolean) => ({
    data: { values: edgePoints.filter((p) => p.dashed === dashed) },
    mark: {
      type: 'line' as const,
      color: dashed ? '#999' : '#777',
      interpolate: 'basis' as const,
      ...(dashed ? { strokeDash: [4, 3] } : {}),
    },
    encoding: {
      x: { field: 'x', type: 'quantitative' as const, ...px },
      y: { field: 'y', type: 'quantitative' as const, ...px },
      detail: { field: 'edge' },
      order: { field: 'i' },
      strokeWidth: { field: 'w', type: 'quantitative' as const, scale: null },
    },
  });

  return {
    id: `coupling-graph-${v.name}`,
    title: `${variantLabel(v.name)}: component graph`,
    caption: `${variantLabel(v.name)}: ${s.components.length} components, ${s.edges.length} import edges. An arrow A → B means code in A imports B; thicker for more imports, dashed when every import is type-only.`,
    latency: false,
    spec: {
      width: Math.max(g.width, 200),
      height: g.height,
      padding: 8,
      layer: [
        edgeLayer(false),
        edgeLayer(true),
        {
          data: { values: heads },
          mark: { type: 'point', shape: 'triangle-up', filled: true, color: '#666', size: 50, opacity: 1 },
          encoding: {
            x: { field: 'x', type: 'quantitative', ...px },
            y: { field: 'y', type: 'quantitative', ...px },
            angle: { field: 'angle', type: 'quantitative', scale: null },
          },
        },
        {
          data: { values: nodes },
          mark: { type: 'rect', stroke: '#555', strokeWidth: 1, cornerRadius: 4 },
          encoding: {
            x: { field: 'x', type: 'quantitative', ...px },
            x2: { field: 'x2' },
            y: { field: 'y', type: 'quantitative', ...px },
            y2: { field: 'y2' },
            fill: {
              field: 'role',
              type: 'nominal',
              scale: { domain: roles.map((r) => ROLE_LABELS[r]), range: roles.map((r) => ROLE_COLORS[r]) },
              legend: { title: null, orient: 'bottom', direction: 'horizontal' },
            },
          },
        },
        {
          data: { values: nodes },
          mark: { type: 'text', align: 'center', baseline: 'middle', fontSize: 11, lineHeight: 13, dy: -6 },
          encoding: {
            x: { field: 'cx', type: 'quantitative', ...px },
            y: { field: 'cy', type: 'quantitative', ...px },
            text: { field: 'label' },
          },
        },
      ],
    },
  };
}
