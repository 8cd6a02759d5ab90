import { bootstrapObjects } from '../../../stacks/bootstrap';
import { describeWithCharts } from '../../support/helm';
import { renderManifests } from '../../support/render';

describeWithCharts('what the bootstrap installs of the argocd folder', () => {
  it('is every object of the folder but custom resources of other components’ CRDs', async () => {
    const manifests = await renderManifests();
    const folder = manifests.filter((m) => m.file.startsWith('argocd/'));
    const installed = bootstrapObjects(manifests);
    const left = folder
      .filter((m) => !installed.includes(m.object))
      .map((m) => `${m.object.kind}/${(m.object.metadata as { name: string }).name}`);
    expect(left.sort()).toEqual([
      'Certificate/argocd-server-grpc',
      'Certificate/argocd-server-web',
      'DNSEndpoint/argocd-server-grpc',
      'DNSEndpoint/argocd-server-web',
      'HTTPProxy/argocd-server-grpc',
      'HTTPProxy/argocd-server-web',
      'SealedSecret/argocd-dex-github',
    ]);
    // Argo CD's own CRDs, its workloads and the namespace are installed.
    const kinds = new Set(installed.map((o) => o.kind));
    for (const kind of [
      'CustomResourceDefinition',
      'Namespace',
      'Deployment',
      'StatefulSet',
      'ConfigMap',
      'Service',
    ]) {
      expect(kinds).toContain(kind);
    }
  });
});
