/**
 * Names of the secrets components read from the sealed store, in one place: the component that
 * consumes a secret and the test that checks the store has it both use these.
 */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
  readonly keys: readonly string[];
}
