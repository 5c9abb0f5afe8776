/**
 * The contract between the trainer and a training engine. The trainer owns everything random
 * (batch order, corruption, pre-activation noise) and hands the engine plain Float32Arrays, so two
 * engines given the same seed see exactly the same batches and can be compared number for number.
 */
import { NetworkSpec, Parameters, TrainingSpec } from '../spec';

/** What one forward/backward pass returns. */
export interface LossAndGradients {
  /** The objective: reconstruction loss plus penalties, for this batch. */
  loss: number;
  /** Reconstruction loss alone (mean over the batch's output values). */
  reconstructionLoss: number;
  weightGradients: Float32Array[];
  biasGradients: Float32Array[];
}

/** A batch handed to an engine. Arrays are row-major [batchSize × features]. */
export interface Batch {
  inputs: Float32Array;
  targets: Float32Array;
  batchSize: number;
  /**
   * Per layer, noise already scaled to add to that layer's pre-activation, or null for none.
   * Same length as the network's layers when present.
   */
  preActivationNoise?: (Float32Array | null)[];
}

export interface TrainingEngine {
  /** 'blas' (the project's native fast path) or 'tfjs'. */
  readonly name: string;
  /** What does the arithmetic: 'openblas', or the tfjs backend ('wasm', 'cpu', 'tensorflow'). */
  readonly backend: string;
  /** Loss and gradients of the objective for a batch, without changing parameters. */
  lossAndGradients(batch: Batch): LossAndGradients;
  /** One optimizer step on a batch; returns the objective and the reconstruction loss. */
  trainStep(batch: Batch): { loss: number; reconstructionLoss: number };
  /**
   * Forward pass without noise: every layer's activations; the last entry is the reconstruction.
   * Written into `outputs` when given (one array per layer, each at least count × its width, which
   * are then returned), else into new arrays. Reusing outputs matters: fresh arrays the size of a
   * test set cost more in page faults than the products that fill them.
   */
  forward(inputs: Float32Array, count: number, outputs?: Float32Array[]): Float32Array[];
  /**
   * Adds the squared errors of `count` predictions into eight running sums, with the bits of
   * losses.ts addSquaredErrors: evaluation calls it on a set's reconstructions, slice by slice, on
   * the engine's native port of it where there is one.
   */
  addSquaredErrors(predictions: Float32Array, targets: Float32Array, count: number, sums: Float64Array): void;
  /** A copy of the current parameters. */
  getParameters(): Parameters;
  /** Frees native or tensor memory. */
  dispose(): void;
}

export interface EngineOptions {
  network: NetworkSpec;
  training: TrainingSpec;
  initialParameters: Parameters;
}

export type EngineFactory = (options: EngineOptions) => TrainingEngine;
