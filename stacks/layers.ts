/**
 * The layers a stack can turn on. Each layer is a function of the stack context that creates its
 * resources and returns its outputs; stacks/index.ts exports them under the layer's name.
 */
import type { Layer, StackContext } from './config';

export type LayerOutputs = Record<string, unknown>;
/** A layer may be async (e.g. the bootstrap layer synthesizes the argocd folder first). */
export type LayerProgram = (context: StackContext) => LayerOutputs | Promise<LayerOutputs>;

/** Filled in by each layer's module (maas, images, bootstrap). */
export const layerPrograms: Partial<Record<Layer, LayerProgram>> = {};
