/** The thread's claims and recipes, as data: what each says and which notebook answers it. */

export type ClaimId = 'C1' | 'C2' | 'C3' | 'C4' | 'C5' | 'R1' | 'R2';

export interface ClaimDefinition {
  id: ClaimId;
  title: string;
  /** The thread's words, paraphrased faithfully. */
  threadWords: string;
  /** The notebook's file name without .ipynb. */
  notebook: string;
}

export const CLAIMS: ClaimDefinition[] = [
  { id: 'C1', title: 'ReLU output vs sigmoid output', threadWords: 'A ReLU output layer does worse than a sigmoid output layer.', notebook: '01-output-activation' },
  { id: 'C2', title: 'Linear vs ReLU bottleneck', threadWords: 'With a sigmoid output, a linear bottleneck is slightly better than a ReLU bottleneck.', notebook: '02-bottleneck' },
  { id: 'C3', title: 'Sigmoid everywhere', threadWords: 'Sigmoid in every layer is clearly worse.', notebook: '03-all-sigmoid' },
  { id: 'C4', title: 'ELU / leaky ReLU vs ReLU hidden layers', threadWords: 'ELU or leaky ReLU hidden layers do better than ReLU.', notebook: '04-elu-leaky-relu' },
  { id: 'C5', title: 'Adam vs the usual optimizers', threadWords: 'The Adam optimizer works well (compared with the usual alternatives).', notebook: '05-optimizers' },
  { id: 'R1', title: 'Rectifier denoising autoencoder recipe', threadWords: 'A DAE with rectifier hidden units and sigmoid reconstruction, then a second DAE with noise before the rectifier, softplus reconstruction, MSE and L1 weight penalties.', notebook: '06-denoising-recipe' },
  { id: 'R2', title: 'L1 penalty on rectifier activations', threadWords: 'An L1 penalty on rectifier activations gives sparse codes.', notebook: '07-sparsity' },
];

/** A claim's definition by id (an unknown id is an error naming the known ones). */
export function claimDefinition(id: ClaimId): ClaimDefinition {
  const definition = CLAIMS.find((claim) => claim.id === id);
  if (!definition) throw new Error(`unknown claim ${JSON.stringify(id)}; the claims are ${CLAIMS.map((claim) => claim.id).join(', ')}`);
  return definition;
}
