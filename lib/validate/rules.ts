/**
 * Rules every synthesized object must follow beyond its schema. Each rule looks at one manifest and
 * returns findings; `defaultRules` is what synth and `npm run validate` apply.
 */
import { describeObject, type ManifestRule } from './validator';

/**
 * No plaintext Secret: a `kind: Secret` carrying `data` or `stringData` would put the value in git.
 * Secrets reach the cluster as SealedSecrets, which only the controller can open.
 */
export const noPlaintextSecret: ManifestRule = ({ file, object }) => {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return [];
  return (['data', 'stringData'] as const)
    .filter((field) => object[field] !== undefined && object[field] !== null)
    .map((field) => ({
      file,
      object: describeObject(object),
      path: field,
      rule: 'no plaintext secret',
      message: `a Secret with ${field} would commit its value in plaintext; seal it (npm run seal) and use the SealedSecret`,
      schema: 'ouchi',
    }));
};

export const defaultRules: ManifestRule[] = [noPlaintextSecret];
