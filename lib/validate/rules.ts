/**
 * Rules every synthesized object must follow beyond its schema. Each rule looks at one manifest and
 * returns findings; `defaultRules` is what synth and `npm run validate` apply.
 */
import type { ManifestRule } from './validator';

export const defaultRules: ManifestRule[] = [];
