/**
 * A SealedSecret from the store. Charts declare the secrets and keys they need; synth copies the stored
 * SealedSecret (sealed earlier by `npm run seal`; synth never seals) into the Application's folder.
 * A missing secret or key is a synth error that names it and gives the exact command that fixes it.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { relative } from 'node:path';
import { readStored, sealCommandLine, storeFile, type SealedSecretObject } from '../../lib/sealing/store';
import { Platform } from './platform';
import type { SecretRef } from './secret-refs';

export interface StoredSealedSecretProps extends SecretRef {
  /**
   * Labels for the Secret the controller writes (e.g. `app.kubernetes.io/part-of: argocd`, which Argo
   * CD requires of Secrets that `$name:key` references read). Added to the stored template at synth.
   * @default none
   */
  readonly secretLabels?: Readonly<Record<string, string>>;
}

/** Every secret the platform's components declared, for tests and the store check. */
const declared = new WeakMap<Platform, SecretRef[]>();

export function declaredSecrets(platform: Platform): readonly SecretRef[] {
  return declared.get(platform) ?? [];
}

export class StoredSealedSecret extends Construct {
  /** The stored object, or undefined when it is missing (synth then fails with the fix). */
  readonly sealed?: SealedSecretObject;

  constructor(scope: Construct, id: string, props: StoredSealedSecretProps) {
    super(scope, id);
    const platform = Platform.of(this);
    declared.set(platform, [...declaredSecrets(platform), props]);
    const file = storeFile(platform.secretsDir, platform.site.name, props.namespace, props.name);
    const shown = relative(process.cwd(), file);
    const fix = (key: string) => sealCommandLine(platform.siteFile, props.namespace, props.name, key);
    const stored = readStored(file);
    if (!stored) {
      for (const key of props.keys) {
        platform.reportProblem(
          `sealed secret ${props.namespace}/${props.name} is missing (${shown}); seal key ${key} with: ${fix(key)}`,
        );
      }
      return;
    }
    if (stored.metadata.namespace !== props.namespace || stored.metadata.name !== props.name) {
      platform.reportProblem(
        `${shown} holds ${stored.metadata.namespace}/${stored.metadata.name}, not ${props.namespace}/${props.name}: a sealed value only decrypts under the name it was sealed for`,
      );
      return;
    }
    for (const key of props.keys) {
      if (stored.spec.encryptedData[key] === undefined) {
        platform.reportProblem(
          `sealed secret ${props.namespace}/${props.name} has no key ${key} (${shown}); seal it with: ${fix(key)} --merge`,
        );
      }
    }
    const template = stored.spec.template;
    this.sealed = {
      ...stored,
      spec: {
        ...stored.spec,
        template: props.secretLabels
          ? {
              ...template,
              metadata: {
                ...template.metadata,
                labels: { ...template.metadata.labels, ...props.secretLabels },
              },
            }
          : template,
      },
    };
    new ApiObject(this, 'resource', {
      apiVersion: this.sealed.apiVersion,
      kind: this.sealed.kind,
      metadata: { ...this.sealed.metadata },
      spec: this.sealed.spec,
    });
  }
}
