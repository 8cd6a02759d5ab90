/**
 * The `-config` split, derived: a component's own custom resources whose CRD its own chart applies
 * cannot sync with the chart (the CRD is not there yet, nor the operator that serves it), so they go
 * to a second Application, `<component>-config`, together with every other own object that needs one
 * of them (an HTTPProxy to the Service an operator makes from a CR, say). Rendered chart objects never
 * move. The sync waves then put `-config` after the component, because it needs the CRDs.
 */
import { keyString, providedBy, referencesOf } from '../../lib/checks/references';
import { groupKind } from '../../lib/manifest/scope';
import { configAppName } from '../../lib/naming';
import type { Manifest } from '../../lib/validate/validator';

export interface Split {
  readonly main: Manifest[];
  readonly config: Manifest[];
}

/** `group/Kind` of every CRD among a component's rendered objects. */
export function crdKinds(rendered: readonly Manifest[]): Set<string> {
  const kinds = new Set<string>();
  for (const m of rendered) {
    if (m.object.kind !== 'CustomResourceDefinition') continue;
    const spec = (m.object.spec ?? {}) as { group?: string; names?: { kind?: string } };
    kinds.add(`${spec.group}/${spec.names?.kind}`);
  }
  return kinds;
}

export function splitConfig(
  component: string,
  own: readonly Manifest[],
  chartCrds: ReadonlySet<string>,
): Split {
  const inConfig = new Set(own.filter((m) => chartCrds.has(groupKind(m.object.apiVersion, m.object.kind))));
  for (let grew = inConfig.size > 0; grew;) {
    grew = false;
    const provided = new Set([...inConfig].flatMap((m) => providedBy(m.object).map((p) => keyString(p.key))));
    for (const m of own) {
      if (inConfig.has(m)) continue;
      if (referencesOf(m.object).some((r) => provided.has(keyString(r.target)))) {
        inConfig.add(m);
        grew = true;
      }
    }
  }
  const config = configAppName(component);
  return {
    main: own.filter((m) => !inConfig.has(m)),
    config: own
      .filter((m) => inConfig.has(m))
      .map((m) => ({ file: `${config}/${m.file.slice(m.file.indexOf('/') + 1)}`, object: m.object })),
  };
}
