/**
 * The Pod grafana-operator v5.24 runs for a Grafana CR, read from its deployment reconciler
 * (controllers/reconcilers/grafana/deployment_reconciler.go): a Deployment whose Pod has seccomp
 * RuntimeDefault and one `grafana` container with privileged false, allowPrivilegeEscalation false,
 * capabilities drop ALL, readOnlyRootFilesystem, runAsNonRoot and runAsUser/Group 10001 (that
 * passes restricted as it is), unless `spec.disableDefaultSecurityContext` is Pod, Container or All.
 * `spec.deployment` is then laid over the whole Deployment as a strategic merge patch (containers,
 * init containers and volumes merge by name), so it can add to those defaults or weaken them. An
 * external Grafana (`spec.external`) runs no Pod. OpenShift detection only drops runAsUser/Group.
 */
import type { ManifestObject } from '../types';
import { obj, portNumber, str } from '../json';
import { GRAFANA_PORT } from '../operator-services';
import {
  container,
  namedContainers,
  namespaceOf,
  strategicMerge,
  tcp,
  volume,
  type ModelledPod,
  type OperatorModel,
  type Origin,
} from './common';

const GRAFANA_ALERT_PORT = 9094;
const GRAFANA_UID = 10001;
const TEMPLATE_SPEC = 'spec.deployment.spec.template.spec';

function grafanaPod(cr: ManifestObject): ModelledPod[] {
  const spec = obj(cr.spec);
  if (spec.external !== undefined) return [];
  const name = String(obj(cr.metadata).name);
  const disable = str(spec.disableDefaultSecurityContext);
  const keepPod = disable !== 'Pod' && disable !== 'All';
  const keepContainer = disable !== 'Container' && disable !== 'All';
  const httpPort = portNumber(obj(obj(spec.config).server).http_port) ?? GRAFANA_PORT;
  const grafana = container(
    'grafana',
    [tcp('grafana-http', httpPort), tcp('grafana-alert', GRAFANA_ALERT_PORT)],
    keepContainer
      ? {
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          privileged: false,
          runAsNonRoot: true,
          runAsUser: GRAFANA_UID,
          runAsGroup: GRAFANA_UID,
          capabilities: { drop: ['ALL'] },
        }
      : undefined,
  );
  const base = {
    spec: {
      template: {
        spec: {
          volumes: [
            volume(`${name}-ini`, 'configMap'),
            volume('grafana-logs', 'emptyDir'),
            volume('grafana-data', 'emptyDir'),
            volume('grafana-tmp', 'emptyDir'),
          ],
          containers: [grafana],
          ...(keepPod ? { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } } : {}),
        },
      },
    },
  };
  const merged = obj(strategicMerge(base, spec.deployment));
  const template = obj(obj(merged.spec).template);
  const patch = obj(obj(obj(obj(spec.deployment).spec).template).spec);

  const disabled = (what: string) =>
    disable === undefined
      ? ''
      : `, or leave spec.disableDefaultSecurityContext unset (it is "${disable}", which drops the operator's ${what} defaults)`;
  const containers: Record<string, Origin> = {};
  for (const list of ['initContainers', 'containers'] as const) {
    for (const c of namedContainers(patch[list])) {
      containers[String(c.name)] = {
        change: `Grafana ${TEMPLATE_SPEC}.${list}[${String(c.name)}].securityContext`,
      };
    }
  }
  containers.grafana = {
    change: `Grafana ${TEMPLATE_SPEC}.containers[grafana].securityContext${keepContainer ? '' : disabled('container')}`,
  };
  const annotations = obj(obj(template.metadata).annotations);
  return [
    {
      pod: 'grafana',
      namespace: namespaceOf(cr),
      spec: obj(template.spec),
      metadata: Object.keys(annotations).length > 0 ? { annotations } : {},
      origins: {
        securityContext: {
          change: `Grafana ${TEMPLATE_SPEC}.securityContext${keepPod ? '' : disabled('pod')}`,
        },
        containers,
        pod: { change: `Grafana ${TEMPLATE_SPEC}` },
      },
    },
  ];
}

export const grafanaOperator: OperatorModel = {
  name: 'grafana-operator',
  kinds: ['Grafana.grafana.integreatly.org'],
  unmodelled: [],
  pods: (cr) => grafanaPod(cr),
};
