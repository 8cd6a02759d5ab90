/**
 * Namespaces with the labels every ouchi namespace must carry: the owning team, and a Pod Security
 * Standard enforced by the API server. `restricted` is the default; anything lower needs a written reason.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { LABELS } from '../../lib/naming';

export const POD_SECURITY_ENFORCE = 'pod-security.kubernetes.io/enforce';
export const POD_SECURITY_AUDIT = 'pod-security.kubernetes.io/audit';
export const POD_SECURITY_WARN = 'pod-security.kubernetes.io/warn';
export const POD_SECURITY_REASON = 'ouchi.dev/pod-security-reason';

export type PodSecurity =
  | { readonly level: 'restricted' }
  | {
      readonly level: 'baseline' | 'privileged';
      /** Why this namespace cannot be `restricted` (kept next to the choice, and in an annotation). */
      readonly reason: string;
    };

export interface PlatformNamespaceProps {
  readonly name: string;
  /** Team that owns the namespace (label `team`). @default 'platform' */
  readonly team?: string;
  /** Pod Security Standard to enforce. @default { level: 'restricted' } */
  readonly podSecurity?: PodSecurity;
}

/**
 * Labels and annotations of a platform namespace. Shared with the bootstrap stack, which creates the
 * first namespaces before Argo CD takes them over.
 */
export function namespaceMetadata(props: PlatformNamespaceProps): {
  name: string;
  labels: Record<string, string>;
  annotations?: Record<string, string>;
} {
  const podSecurity = props.podSecurity ?? { level: 'restricted' };
  if (podSecurity.level !== 'restricted' && podSecurity.reason.trim() === '') {
    throw new Error(`namespace ${props.name}: pod security ${podSecurity.level} needs a reason`);
  }
  return {
    name: props.name,
    labels: {
      [LABELS.team]: props.team ?? 'platform',
      [POD_SECURITY_ENFORCE]: podSecurity.level,
      // Audit and warn at restricted everywhere, so what a lower level allows stays visible.
      [POD_SECURITY_AUDIT]: 'restricted',
      [POD_SECURITY_WARN]: 'restricted',
    },
    annotations:
      podSecurity.level === 'restricted' ? undefined : { [POD_SECURITY_REASON]: podSecurity.reason },
  };
}

export class PlatformNamespace extends Construct {
  readonly name: string;

  constructor(scope: Construct, props: PlatformNamespaceProps) {
    super(scope, `namespace-${props.name}`);
    this.name = props.name;
    new k8s.KubeNamespace(this, 'resource', { metadata: namespaceMetadata(props) });
  }
}
