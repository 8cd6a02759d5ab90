/**
 * The manifest model every part of ouchi shares: an object as parsed JSON, and the file of the
 * Application folder it is written to. Builders make them, checks read them.
 */

export type ManifestObject = Record<string, unknown> & {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown; [key: string]: unknown };
};

export interface Manifest {
  /** Path of the file the object is (or will be) written to: `<application>/<kind>-<name>.yaml`. */
  readonly file: string;
  readonly object: ManifestObject;
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function describeObject(object: ManifestObject): string {
  const kind = typeof object.kind === 'string' ? object.kind : '(no kind)';
  const name = typeof object.metadata?.name === 'string' ? object.metadata.name : '(no name)';
  const ns = typeof object.metadata?.namespace === 'string' ? `${object.metadata.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}
