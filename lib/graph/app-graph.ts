/**
 * The Application dependency graph of a site: Applications by AppProject and sync wave, and an edge
 * from each Application to each one it needs (lib/graph/requirements.ts), labelled with what it needs
 * of it. Rendered as Mermaid and as an SVG laid out here, deterministically (same site, same bytes).
 */
import { applicationsOf } from '../checks/ordering';
import { requirementsOf } from './requirements';
import type { SchemaSet } from '../validate/sources';
import type { Manifest } from '../validate/validator';

export interface GraphNode {
  readonly name: string;
  readonly project: string;
  readonly wave: number;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** The custom resource kinds behind the edge. */
  readonly kinds: readonly string[];
}

export interface AppGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export function applicationGraph(manifests: readonly Manifest[], schemas: Pick<SchemaSet, 'k8s'>): AppGraph {
  const apps = applicationsOf(manifests);
  const edges = new Map<string, { from: string; to: string; kinds: Set<string> }>();
  for (const need of requirementsOf(manifests, schemas).needs) {
    for (const provider of need.providers.filter((p) => p !== need.app)) {
      const id = `${provider}\0${need.app}`;
      const edge = edges.get(id) ?? { from: provider, to: need.app, kinds: new Set<string>() };
      edge.kinds.add(need.kind === 'crd' ? need.target.replace(/^the CRD of [^/]*\//, '') : need.kind);
      edges.set(id, edge);
    }
  }
  return {
    nodes: apps.map(({ name, project, wave }) => ({ name, project, wave })).sort(byName),
    edges: [...edges.values()]
      .map((e) => ({ from: e.from, to: e.to, kinds: [...e.kinds].sort() }))
      .sort((a, b) => (a.from + a.to < b.from + b.to ? -1 : 1)),
  };
}

function id(name: string): string {
  return name.replace(/[^a-zA-Z0-9]/g, '_');
}

export function toMermaid(graph: AppGraph): string {
  const projects = [...new Set(graph.nodes.map((n) => n.project))].sort();
  const lines = ['flowchart LR'];
  for (const project of projects) {
    lines.push(`  subgraph ${id(`project_${project}`)}["AppProject ${project}"]`);
    for (const n of graph.nodes.filter((x) => x.project === project)) {
      lines.push(`    ${id(n.name)}["${n.name}<br/>wave ${n.wave}"]`);
    }
    lines.push('  end');
  }
  for (const e of graph.edges) lines.push(`  ${id(e.from)} -->|${e.kinds.join(', ')}| ${id(e.to)}`);
  return `${lines.join('\n')}\n`;
}

const PALETTE = ['#dbeafe', '#dcfce7', '#fef9c3', '#fce7f3', '#ede9fe', '#ffedd5'];
const BOX = { width: 190, height: 44, columnGap: 90, rowGap: 18, margin: 24, legend: 28 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** One column per sync wave, Applications ordered by project then name; CRD edges as curves. */
export function toSvg(graph: AppGraph): string {
  const projects = [...new Set(graph.nodes.map((n) => n.project))].sort();
  const waves = [...new Set(graph.nodes.map((n) => n.wave))].sort((a, b) => a - b);
  const place = new Map<string, { x: number; y: number }>();
  let rows = 0;
  waves.forEach((wave, column) => {
    const inWave = graph.nodes
      .filter((n) => n.wave === wave)
      .sort((a, b) => projects.indexOf(a.project) - projects.indexOf(b.project) || byName(a, b));
    rows = Math.max(rows, inWave.length);
    inWave.forEach((n, row) =>
      place.set(n.name, {
        x: BOX.margin + column * (BOX.width + BOX.columnGap),
        y: BOX.margin + BOX.legend + 20 + row * (BOX.height + BOX.rowGap),
      }),
    );
  });
  const width = BOX.margin * 2 + waves.length * BOX.width + (waves.length - 1) * BOX.columnGap;
  const height = BOX.margin * 2 + BOX.legend + 20 + rows * (BOX.height + BOX.rowGap);
  const color = (project: string) => PALETTE[projects.indexOf(project) % PALETTE.length];
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0L10,5L0,10z" fill="#555"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  ];
  projects.forEach((p, i) => {
    const x = BOX.margin + i * 150;
    out.push(`<rect x="${x}" y="${BOX.margin}" width="14" height="14" fill="${color(p)}" stroke="#333"/>`);
    out.push(`<text x="${x + 20}" y="${BOX.margin + 12}">${escapeXml(p)}</text>`);
  });
  waves.forEach((wave, column) => {
    const x = BOX.margin + column * (BOX.width + BOX.columnGap) + BOX.width / 2;
    out.push(
      `<text x="${x}" y="${BOX.margin + BOX.legend + 10}" text-anchor="middle" fill="#555">wave ${wave}</text>`,
    );
  });
  for (const e of graph.edges) {
    const a = place.get(e.from)!;
    const b = place.get(e.to)!;
    const [x1, y1] = [a.x + BOX.width, a.y + BOX.height / 2];
    const [x2, y2] = [b.x, b.y + BOX.height / 2];
    const bend = Math.max(30, (x2 - x1) / 2);
    out.push(
      `<path d="M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}" fill="none" stroke="#555" marker-end="url(#arrow)"><title>${escapeXml(`${e.from} → ${e.to}: ${e.kinds.join(', ')}`)}</title></path>`,
    );
  }
  for (const n of graph.nodes) {
    const { x, y } = place.get(n.name)!;
    out.push(
      `<rect x="${x}" y="${y}" width="${BOX.width}" height="${BOX.height}" rx="6" fill="${color(n.project)}" stroke="#333"/>`,
      `<text x="${x + BOX.width / 2}" y="${y + 19}" text-anchor="middle" font-weight="bold">${escapeXml(n.name)}</text>`,
      `<text x="${x + BOX.width / 2}" y="${y + 35}" text-anchor="middle" fill="#444">${escapeXml(n.project)}</text>`,
    );
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
