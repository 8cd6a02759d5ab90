import { operatorPodFix } from '../../../../lib/manifest/operator-pods';
import { evaluatePod } from '../../../../lib/checks/pod-security';
import { cr, names, podsOf, refused } from './manifests';

const OBJECT = 'Grafana grafana/grafana (grafana Pod, made by grafana-operator)';
const grafana = (spec: Record<string, any> = {}) =>
  cr('grafana.integreatly.org/v1beta1', 'Grafana', 'grafana', 'grafana', spec);
const podOf = (spec: Record<string, any> = {}) => podsOf([grafana(spec)]).get(OBJECT)!;

describe('Grafana', () => {
  it('runs a Pod that passes restricted as the operator writes it', () => {
    const pod = podOf();
    expect(pod.spec).toEqual({
      volumes: [
        { name: 'grafana-ini', configMap: {} },
        { name: 'grafana-logs', emptyDir: {} },
        { name: 'grafana-data', emptyDir: {} },
        { name: 'grafana-tmp', emptyDir: {} },
      ],
      containers: [
        {
          name: 'grafana',
          ports: [
            { name: 'grafana-http', containerPort: 3000, protocol: 'TCP' },
            { name: 'grafana-alert', containerPort: 9094, protocol: 'TCP' },
          ],
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            capabilities: { drop: ['ALL'] },
          },
        },
      ],
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
    });
    expect(refused(pod, 'restricted')).toEqual([]);
  });

  it('keeps those defaults under a spec.deployment that only adds env and resources (as charts/grafana.ts does)', () => {
    const pod = podOf({
      deployment: {
        spec: {
          template: {
            spec: {
              containers: [
                { name: 'grafana', env: [{ name: 'A', value: 'b' }], resources: { limits: { cpu: '1' } } },
              ],
            },
          },
        },
      },
    });
    expect(names(pod.spec.containers)).toEqual(['grafana']);
    expect(refused(pod, 'restricted')).toEqual([]);
  });

  it('fails restricted with spec.disableDefaultSecurityContext, naming that field in the fix', () => {
    const pod = podOf({ disableDefaultSecurityContext: 'All' });
    expect(pod.spec.securityContext).toBeUndefined();
    expect(refused(pod, 'restricted')).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
    const [ape] = evaluatePod(pod.spec, pod.metadata, 'restricted', 'latest');
    expect(operatorPodFix(pod, ape)).toBe(
      'in Grafana spec.deployment.spec.template.spec.containers[grafana].securityContext, or leave spec.disableDefaultSecurityContext unset (it is "All", which drops the operator\'s container defaults): set securityContext.allowPrivilegeEscalation false in every container',
    );
    // The seccomp profile is only set at pod level, the rest only in the container.
    expect(refused(podOf({ disableDefaultSecurityContext: 'Pod' }), 'restricted')).toEqual([
      'seccompProfile_restricted',
    ]);
    expect(refused(podOf({ disableDefaultSecurityContext: 'Container' }), 'restricted')).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
    ]);
  });

  it('lets spec.deployment weaken the defaults or add containers, and points the fix there', () => {
    const pod = podOf({
      config: { server: { http_port: '3001' } },
      deployment: {
        spec: {
          template: {
            spec: {
              hostNetwork: true,
              initContainers: [{ name: 'plugins', image: 'busybox' }],
              containers: [{ name: 'grafana', securityContext: { allowPrivilegeEscalation: true } }],
            },
          },
        },
      },
    });
    expect((pod.spec.containers as any[])[0].ports[0].containerPort).toBe(3001);
    const violations = evaluatePod(pod.spec, pod.metadata, 'restricted', 'latest');
    expect(violations.map((v) => [v.id, v.containers])).toEqual([
      ['hostNamespaces', []],
      ['hostPorts', ['grafana']],
      ['allowPrivilegeEscalation', ['plugins', 'grafana']],
      ['capabilities_restricted', ['plugins']],
      // runAsNonRoot is the grafana container's, not the Pod's: an added container needs its own.
      ['runAsNonRoot', ['plugins']],
    ]);
    const ape = violations[2];
    expect(operatorPodFix(pod, ape)).toBe(
      [
        'in Grafana spec.deployment.spec.template.spec.initContainers[plugins].securityContext: set securityContext.allowPrivilegeEscalation false in every container',
        'in Grafana spec.deployment.spec.template.spec.containers[grafana].securityContext: set securityContext.allowPrivilegeEscalation false in every container',
      ].join('; '),
    );
    expect(operatorPodFix(pod, violations[0])).toMatch(
      /^in Grafana spec\.deployment\.spec\.template\.spec: leave hostNetwork/,
    );
  });

  it('runs no Pod for an external Grafana', () => {
    expect(podsOf([grafana({ external: { url: 'https://grafana.example' } })]).size).toBe(0);
  });
});
