/**
 * The bench's model and data: the network (784-128-64-2-64-128-784, ReLU hidden, linear code,
 * sigmoid output, MSE, Adam 1e-3) with seeded initial parameters, and the 10,000 digits of the
 * `mnist` package shuffled once with a fixed seed.
 */
import { loadEmbeddedDigits } from '../../src/lib/data';
import { initializeParameters, networkFromSpec } from '../../src/lib/model';
import { createRandom, permutation } from '../../src/lib/random';
import { DEFAULT_AUTOENCODER_SPEC, DEFAULT_TRAINING_SPEC } from '../../src/lib/spec';

export const INPUT_SIZE = 784;

/** The 10,000 embedded digits, shuffled once with a fixed seed, cut into batches (the last may be short). */
export function digitBatches(batchSize: number): { images: Float32Array; batches: { inputs: Float32Array; batchSize: number }[] } {
  const digits = loadEmbeddedDigits();
  const order = permutation(digits.count, createRandom(1, 'bench'));
  const images = new Float32Array(digits.images.length);
  order.forEach((source, row) => images.set(digits.images.subarray(source * INPUT_SIZE, (source + 1) * INPUT_SIZE), row * INPUT_SIZE));
  const batches = [];
  for (let start = 0; start < digits.count; start += batchSize) {
    const count = Math.min(batchSize, digits.count - start);
    batches.push({ inputs: images.subarray(start * INPUT_SIZE, (start + count) * INPUT_SIZE), batchSize: count });
  }
  return { images, batches };
}

export function defaultModel() {
  const network = networkFromSpec(DEFAULT_AUTOENCODER_SPEC);
  return { network, initialParameters: initializeParameters({ network, initializer: 'glorotUniform', seed: 1 }), training: DEFAULT_TRAINING_SPEC };
}

/** The network's layer widths, input first. */
export function layerSizesOf(network: ReturnType<typeof defaultModel>['network']): number[] {
  return [network.layers[0].inputSize, ...network.layers.map((layer) => layer.outputSize)];
}
