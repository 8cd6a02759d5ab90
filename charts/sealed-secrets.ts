/**
 * The Sealed Secrets controller, from its upstream chart. It decrypts the SealedSecrets in git with a
 * key the bootstrap stack owns (generated once, kept as a Pulumi secret, restored on a rebuild), so
 * automatic key renewal is off: one key, backed up in one place, opens everything in git.
 */
import { charts } from '../lib/versions';
import { resources, type Resources } from './lib/k8s-types';
import { Component, type ChartSpec } from './lib/component';
import type { Platform } from './lib/platform';

/** Where the controller runs and what it is called: kubeseal's `--controller-namespace/--controller-name`. */
export const SEALED_SECRETS_CONTROLLER = {
  namespace: 'sealed-secrets',
  name: 'sealed-secrets-controller',
} as const;

/** The label the controller finds its keys by. */
export const SEALING_KEY_LABEL = 'sealedsecrets.bitnami.com/sealed-secrets-key';

export interface SealedSecretsValues {
  readonly fullnameOverride: string;
  /** Name of the key Secret the controller creates when it finds none. */
  readonly secretName: string;
  /** `0` turns key renewal off. */
  readonly keyrenewperiod: string;
  readonly resources: Resources;
  readonly containerSecurityContext: {
    readonly allowPrivilegeEscalation: boolean;
    readonly seccompProfile: { readonly type: 'RuntimeDefault' };
  };
}

export interface SealedSecretsProps {
  /**
   * Name of the controller's key Secret (the bootstrap stack writes it, labelled
   * `sealedsecrets.bitnami.com/sealed-secrets-key: active`).
   * @default 'sealed-secrets-key'
   */
  readonly keyName?: string;
}

/** The chart release: the same for the `sealed-secrets` component and the bootstrap stack's key. */
export function sealedSecretsRelease(
  props: SealedSecretsProps = {},
): ChartSpec<SealedSecretsValues> & { releaseName: string } {
  return {
    chart: charts['sealed-secrets'],
    releaseName: 'sealed-secrets',
    values: {
      fullnameOverride: SEALED_SECRETS_CONTROLLER.name,
      secretName: props.keyName ?? 'sealed-secrets-key',
      keyrenewperiod: '0',
      resources: resources('25m', '64Mi'),
      // With the chart's defaults these two are missing, and the restricted Pod Security level needs them.
      containerSecurityContext: {
        allowPrivilegeEscalation: false,
        seccompProfile: { type: 'RuntimeDefault' },
      },
    },
  };
}

export class SealedSecrets extends Component<SealedSecretsValues> {
  constructor(platform: Platform) {
    super(platform, {
      name: 'sealed-secrets',
      description: 'Decrypts the SealedSecrets in git; its key comes from the bootstrap stack',
      project: 'platform',
      namespace: { name: SEALED_SECRETS_CONTROLLER.namespace },
      // The same key name the bootstrap stack writes the key under.
      chart: sealedSecretsRelease({ keyName: platform.site.sealedSecrets.keyName }),
    });
  }
}
