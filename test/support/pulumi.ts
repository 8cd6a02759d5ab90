/**
 * Pulumi unit-test support: mocks that record every resource with its inputs, and a helper to read
 * an Output's value in a test.
 */
import * as pulumi from '@pulumi/pulumi';
import { getCallbacks } from '@pulumi/pulumi/runtime/settings';

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

export interface RecordedCall {
  readonly token: string;
  readonly inputs: Record<string, any>;
}

/**
 * Installs mocks; `state(type, inputs)` adds provider-computed outputs (e.g. a generated key), and
 * `invoke(token, inputs)` answers function calls (by default with their inputs).
 */
export function recordResources(
  state: (type: string, inputs: Record<string, any>) => Record<string, any> = () => ({}),
  invoke: (token: string, inputs: Record<string, any>) => Record<string, any> = (_, inputs) => inputs,
  calls: RecordedCall[] = [],
) {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: { ...args.inputs, ...state(args.type, args.inputs) } };
      },
      call: (args) => {
        calls.push({ token: args.token, inputs: args.inputs });
        return invoke(args.token, args.inputs);
      },
    },
    'ouchi',
    'test',
    false,
  );
  return resources;
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

/** Lets the mocked engine register every resource created so far. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 50));
}

/** The signature Pulumi's RPC layer marks secret values with (mocks receive them wrapped). */
const SECRET_SIG = '1b47061264138c4ac30d75fd1eb44270';
const SIG_KEY = '4dabf18193072939515e22adb298388d';

/** True when a mocked resource input arrived marked secret. */
export function isSecretInput(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

/** The value of an input, secret or not. */
export function plain(value: unknown): any {
  return isSecretInput(value) ? (value as { value: unknown }).value : value;
}

/** A stand-in digest derived from a tag, so tests can predict it. */
export function mockDigest(tag: string): string {
  return `sha256:${Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64)}`;
}

/** Provider outputs of docker-build Images and Indexes: a digest per tag, `tag@digest` as ref. */
export function dockerBuildState(type: string, inputs: Record<string, any>): Record<string, any> {
  if (type === 'docker-build:index:Image') {
    return { digest: mockDigest(inputs.tags[0]), ref: `${inputs.tags[0]}@${mockDigest(inputs.tags[0])}` };
  }
  if (type === 'docker-build:index:Index') return { ref: `${inputs.tag}@${mockDigest(inputs.tag)}` };
  return {};
}

/** getRegistryImageManifests as a registry holding linux/amd64 and linux/arm64 for every tag. */
export function bothPlatformsPushed(_token: string, inputs: Record<string, any>): Record<string, any> {
  return {
    ...inputs,
    id: inputs.name,
    manifests: ['amd64', 'arm64'].map((architecture) => ({
      os: 'linux',
      architecture,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      sha256Digest: mockDigest(`${inputs.name} ${architecture}`),
    })),
  };
}

/** Pulumi's runtime state, where the mocks keep their feature flags (internal: no typings). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runtimeState = require('@pulumi/pulumi/runtime/state') as {
  getStore(): { supportsTransforms: boolean };
};

/**
 * Lets mocked resources take `transforms`. Pulumi's mocks switch them off (runtime/mocks.js), though
 * every CLI that runs @pulumi/pulumi 3.248 supports them, and the mocked engine never calls them: so
 * this returns the transforms registered from now on, for a test to check and to call itself.
 * Call it after recordResources.
 */
export function allowTransforms(): pulumi.ResourceTransform[] {
  runtimeState.getStore().supportsTransforms = true;
  const callbacks = getCallbacks();
  if (callbacks === undefined) throw new Error('allowTransforms: call recordResources first');
  const registered: pulumi.ResourceTransform[] = [];
  const register = callbacks.registerTransform.bind(callbacks);
  callbacks.registerTransform = (transform) => {
    registered.push(transform);
    return register(transform);
  };
  return registered;
}
