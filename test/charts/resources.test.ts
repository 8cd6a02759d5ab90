/**
 * Requests and limits on everything ouchi runs: Pods of core kinds are covered by the validator's
 * rule; this walks every synthesized object, rendered charts included, and the custom resources too
 * (CephCluster daemons, the RGW gateway, MySQL pods, Grafana), wherever a `resources` block asks for
 * CPU or memory.
 */
import { render } from '../support/render';

function computeBlocks(value: unknown, path: string, out: { path: string; block: any }[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => computeBlocks(v, `${path}[${i}]`, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const requests = (v as any)?.requests;
      if (k === 'resources' && requests && (requests.cpu !== undefined || requests.memory !== undefined)) {
        out.push({ path: `${path}.${k}`, block: v });
      } else if (k === 'resources' && v && typeof v === 'object' && !Array.isArray(v) && !('requests' in v)) {
        // CephCluster's per-daemon map: resources.mon, resources.mgr, …
        for (const [daemon, block] of Object.entries(v)) out.push({ path: `${path}.${k}.${daemon}`, block });
      } else {
        computeBlocks(v, `${path}.${k}`, out);
      }
    }
  }
}

describe('requests and limits in custom resources', () => {
  it('every CPU or memory request in what ouchi synthesizes comes with cpu and memory limits', async () => {
    const blocks: { path: string; block: any }[] = [];
    for (const [file, object] of await render()) {
      // A CRD's spec is a schema: its `resources` are field definitions, not a request.
      if (object.kind === 'CustomResourceDefinition') continue;
      computeBlocks(object.spec, `${file}: spec`, blocks);
    }
    // The charts' Pods are among them now, not only ouchi's own custom resources.
    expect(blocks.filter((b) => b.path.includes('.template.spec.containers[')).length).toBeGreaterThanOrEqual(
      20,
    );
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    const missing = blocks
      .filter(({ block }) =>
        ['cpu', 'memory'].some((q) => block?.requests?.[q] === undefined || block?.limits?.[q] === undefined),
      )
      .map(({ path, block }) => `${path}: ${JSON.stringify(block)}`);
    expect(missing).toEqual([]);
  });
});
