/**
 * The bootstrap layer: one `pulumi up` brings a fresh cluster to the point where Argo CD takes over.
 *
 * - Argo CD, installed once from the objects of the synthesized `argocd` folder: the very bytes the
 *   `argocd` Application syncs, so Argo CD adopts them unchanged. Afterwards Argo CD manages itself;
 *   the stack ignores later changes to those objects and leaves them in place on destroy, so it
 *   never fights Argo CD.
 * - The sealed-secrets key: generated once and kept in the Pulumi state as a secret (or imported from
 *   a backup), written as the controller's active key. Against a rebuilt cluster the same key comes
 *   back, so every SealedSecret in git still decrypts.
 * - The root Application, syncing `<gitops.path>/apps` from the GitOps repo.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import * as tls from '@pulumi/tls';
import { argocdRelease } from '../../charts/argocd';
import { namespaceMetadata } from '../../charts/lib/namespace';
import { rootApplication } from '../../charts/lib/root-application';
import { SEALED_SECRETS_CONTROLLER, SEALING_KEY_LABEL } from '../../charts/sealed-secrets';
import type { SiteSpec } from '../../lib/site/schema';

/** A sealing key restored from a backup instead of generated. */
export interface SealingKeyBackup {
  readonly privateKeyPem: pulumi.Input<string>;
  readonly certificatePem: pulumi.Input<string>;
}

export interface BootstrapArgs {
  readonly site: SiteSpec;
  /** The objects of the synthesized `argocd` folder (namespace, rendered chart). */
  readonly argocd: readonly Record<string, unknown>[];
  /** Kubeconfig of the cluster (a secret: it holds credentials). */
  readonly kubeconfig: pulumi.Input<string>;
  /**
   * The controller key to restore, e.g. after losing the Pulumi state.
   * @default a new RSA-4096 key, generated once and kept in the state
   */
  readonly sealingKey?: SealingKeyBackup;
}

/**
 * Options for each object of the Argo CD install: later changes to any of its fields are Argo CD's,
 * not the stack's, and destroying the stack leaves Argo CD running.
 */
export const adoptedByArgoCd: pulumi.ResourceTransform = (args) => {
  if (args.type.startsWith('kubernetes:yaml/v2:')) return undefined;
  const fields = Object.keys(args.props).filter((k) => k !== 'apiVersion' && k !== 'kind');
  return {
    props: args.props,
    opts: pulumi.mergeOptions(args.opts, { ignoreChanges: fields, retainOnDelete: true }),
  };
};

/** Ten years, like the controller's own certificates. */
const CERT_VALIDITY_HOURS = 10 * 365 * 24;

export class Bootstrap extends pulumi.ComponentResource {
  /** The controller's public certificate: what `npm run seal` seals with. */
  declare readonly sealingCertificate: pulumi.Output<string>;
  declare readonly argocdUrl: pulumi.Output<string>;
  declare readonly rootApplication: pulumi.Output<string>;
  /** The controller's active key, as a kubernetes.io/tls Secret. */
  declare readonly sealingKeySecret: k8s.core.v1.Secret;
  declare readonly argocd: k8s.yaml.v2.ConfigGroup;
  declare readonly root: k8s.apiextensions.CustomResource;

  constructor(name: string, args: BootstrapArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super('ouchi:bootstrap:Bootstrap', name, {}, opts);
    const site = args.site;
    const provider = new k8s.Provider(
      `${name}-cluster`,
      { kubeconfig: pulumi.secret(args.kubeconfig) },
      { parent: this },
    );
    const inCluster = { parent: this, provider };

    const key = args.sealingKey ?? this.generateSealingKey(name);
    const namespace = new k8s.core.v1.Namespace(
      `${name}-sealed-secrets`,
      { metadata: namespaceMetadata({ name: SEALED_SECRETS_CONTROLLER.namespace }) },
      // Argo CD adopts the namespace; destroying the stack must not delete the controller with it.
      { ...inCluster, retainOnDelete: true },
    );
    const keySecret = new k8s.core.v1.Secret(
      `${name}-sealing-key`,
      {
        metadata: {
          name: site.sealedSecrets.keyName,
          namespace: namespace.metadata.name,
          labels: { ...site.sealedSecrets.keyLabels, [SEALING_KEY_LABEL]: 'active' },
        },
        type: 'kubernetes.io/tls',
        stringData: { 'tls.crt': key.certificatePem, 'tls.key': pulumi.secret(key.privateKeyPem) },
      },
      { ...inCluster, additionalSecretOutputs: ['data', 'stringData'], retainOnDelete: true },
    );

    const argocd = new k8s.yaml.v2.ConfigGroup(
      `${name}-argocd`,
      { objs: [...args.argocd] },
      {
        ...inCluster,
        // Installed once: from then on the `argocd` Application owns Argo CD, upgrades included.
        transforms: [adoptedByArgoCd],
      },
    );
    const root = rootApplication(site);
    const rootApp = new k8s.apiextensions.CustomResource(
      `${name}-root`,
      { apiVersion: root.apiVersion, kind: root.kind, metadata: root.metadata, spec: root.spec },
      { ...inCluster, dependsOn: [argocd, keySecret] },
    );

    this.sealingKeySecret = keySecret;
    this.argocd = argocd;
    this.root = rootApp;
    this.sealingCertificate = pulumi.output(key.certificatePem);
    this.argocdUrl = pulumi.output(argocdRelease(site).values.configs.cm.url);
    this.rootApplication = rootApp.metadata.name;
    this.registerOutputs({
      sealingCertificate: this.sealingCertificate,
      argocdUrl: this.argocdUrl,
      rootApplication: this.rootApplication,
    });
  }

  private generateSealingKey(name: string): SealingKeyBackup {
    const privateKey = new tls.PrivateKey(
      `${name}-sealing-key`,
      { algorithm: 'RSA', rsaBits: 4096 },
      // Losing it would make every SealedSecret in git undecryptable.
      { parent: this, protect: true },
    );
    const certificate = new tls.SelfSignedCert(
      `${name}-sealing-cert`,
      {
        privateKeyPem: privateKey.privateKeyPem,
        subject: { commonName: 'sealed-secret', organization: 'sealed-secret' },
        validityPeriodHours: CERT_VALIDITY_HOURS,
        allowedUses: ['key_encipherment', 'digital_signature', 'cert_signing'],
        isCaCertificate: true,
      },
      { parent: this },
    );
    return { privateKeyPem: privateKey.privateKeyPem, certificatePem: certificate.certPem };
  }
}
