/**
 * AppProject scope: Argo CD refuses a whole sync when one object falls outside its project, so every
 * object an Application applies must land in a namespace the project lists as a destination, every
 * cluster-scoped kind must be on the project's whitelist, and the Application's own destination and
 * source must be allowed. Read off the manifests alone (Applications, AppProjects, folders), so it
 * checks an existing dist/ as well as fresh synth output.
 */
import { customScopes, groupOf, isClusterScoped } from '../manifest/scope';
import { describeObject, type Manifest } from '../manifest/types';
import { arr, obj, str } from '../manifest/json';
import { applicationsOf } from '../manifest/applications';

interface Project {
  readonly destinations: readonly { server?: string; namespace?: string }[];
  readonly clusterKinds: readonly { group?: string; kind?: string }[];
  readonly sourceRepos: readonly string[];
}

/** Argo CD's project patterns: `*` matches any run of characters. */
export function matchesPattern(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return false;
  const re = new RegExp(
    `^${pattern
      .split('*')
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  return re.test(value);
}

function projectsOf(manifests: readonly Manifest[]): Map<string, Project> {
  const projects = new Map<string, Project>();
  for (const m of manifests) {
    if (m.object.kind !== 'AppProject') continue;
    const spec = obj(m.object.spec);
    projects.set(String(obj(m.object.metadata).name), {
      destinations: arr(spec.destinations).map((d) => obj(d) as { server?: string; namespace?: string }),
      clusterKinds: arr(spec.clusterResourceWhitelist).map(
        (k) => obj(k) as { group?: string; kind?: string },
      ),
      sourceRepos: arr(spec.sourceRepos).flatMap((r) => (typeof r === 'string' ? [r] : [])),
    });
  }
  return projects;
}

export function checkProjectScopes(manifests: readonly Manifest[]): string[] {
  const projects = projectsOf(manifests);
  const scopes = customScopes(manifests.map((m) => m.object));
  const problems: string[] = [];
  const byApp = new Map<string, Manifest[]>();
  for (const m of manifests) {
    const folder = m.file.split('/')[0];
    byApp.set(folder, [...(byApp.get(folder) ?? []), m]);
  }
  for (const app of applicationsOf(manifests)) {
    const project = projects.get(app.project);
    if (project === undefined) {
      problems.push(
        `${app.name}: its AppProject ${app.project} is not among the manifests; Argo CD would not sync it`,
      );
      continue;
    }
    const where = `AppProject ${app.project}`;
    const application = manifests.find(
      (m) => m.object.kind === 'Application' && obj(m.object.metadata).name === app.name,
    )!;
    const spec = obj(application.object.spec);
    const destination = str(obj(spec.destination).namespace);
    const allows = (namespace: string) =>
      project.destinations.some((d) => matchesPattern(d.namespace, namespace));
    if (destination !== undefined && !allows(destination)) {
      problems.push(
        `${app.name}: its destination namespace ${destination} is not a destination of ${where}; Argo CD would refuse the sync`,
      );
    }
    for (const source of [obj(spec.source), ...arr(spec.sources).map(obj)]) {
      const repo = str(source.repoURL);
      if (repo !== undefined && !project.sourceRepos.some((p) => matchesPattern(p, repo))) {
        problems.push(
          `${app.name}: its source ${repo} is not a source repo of ${where}; Argo CD would refuse the sync`,
        );
      }
    }
    for (const m of app.folders.flatMap((f) => byApp.get(f) ?? [])) {
      const { apiVersion, kind } = m.object;
      if (isClusterScoped(apiVersion, kind, scopes)) {
        const group = groupOf(apiVersion);
        const listed = project.clusterKinds.some(
          (k) => matchesPattern(k.group ?? '', group) && matchesPattern(k.kind, String(kind)),
        );
        if (!listed) {
          problems.push(
            `${app.name}: ${describeObject(m.object)} (${m.file}) is a cluster-scoped ${group === '' ? 'core' : group} ${String(kind)}, which ${where} does not whitelist; Argo CD would refuse the whole sync. Add the kind to clusterResourceWhitelist, or keep the chart from making it`,
          );
        }
        continue;
      }
      const namespace = str(obj(m.object.metadata).namespace);
      if (namespace !== undefined && !allows(namespace)) {
        problems.push(
          `${app.name}: ${describeObject(m.object)} (${m.file}) lands in namespace ${namespace}, which is not a destination of ${where}; Argo CD would refuse the whole sync. Keep the object in the project's namespaces (a chart value), or add the namespace to the project`,
        );
      }
    }
  }
  return problems;
}
