/**
 * Turns schema failures into errors a person can act on: each names the field (`layerSizes[1]`,
 * `training.optimizer.momentum`), the offending value, and for an unknown field the field that was
 * probably meant. A sweep declared as data is easy to mistype, and a silent default would poison a
 * whole report, so every spec and option object goes through parseWithSchema.
 */
import { z } from 'zod';

/** An error in a spec, option object or setting; `field` names what was wrong. */
export class SpecError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'SpecError';
  }
}

/** A value as it should appear in an error message (NaN and Infinity as themselves, strings quoted). */
export function describeValue(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'bigint' || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

const POSITIVE_INTEGER = 'must be a positive integer';
const NON_NEGATIVE_INTEGER = 'must be an integer ≥ 0';
const NON_NEGATIVE_NUMBER = 'must be a finite number ≥ 0';
const POSITIVE_NUMBER = 'must be a finite number > 0';

export const positiveInteger = () =>
  z.number({ error: POSITIVE_INTEGER }).int({ error: POSITIVE_INTEGER }).positive({ error: POSITIVE_INTEGER });
export const nonNegativeInteger = () =>
  z.number({ error: NON_NEGATIVE_INTEGER }).int({ error: NON_NEGATIVE_INTEGER }).min(0, { error: NON_NEGATIVE_INTEGER });
export const nonNegativeNumber = () => z.number({ error: NON_NEGATIVE_NUMBER }).min(0, { error: NON_NEGATIVE_NUMBER });
export const positiveNumber = () => z.number({ error: POSITIVE_NUMBER }).positive({ error: POSITIVE_NUMBER });
export const integer = () => z.number({ error: 'must be an integer' }).int({ error: 'must be an integer' });

/**
 * Fields people write when they mean another: names from Keras, tfjs, PyTorch and snake_case.
 * Checked before the spelling distance, because `alpha` → `slope` is not a typo.
 */
const KNOWN_MISTAKES: Record<string, string> = {
  alpha: 'slope',
  negativeSlope: 'slope',
  negative_slope: 'slope',
  slope: 'alpha',
  lr: 'learningRate',
  learning_rate: 'learningRate',
  batch_size: 'batchSize',
  n_epochs: 'epochs',
  num_epochs: 'epochs',
  layers: 'layerSizes',
  layer_sizes: 'layerSizes',
  activation: 'hiddenActivation',
  train_size: 'trainSize',
  test_size: 'testSize',
  validation_size: 'validationSize',
  seed: 'splitSeed',
  weightDecay: 'l1WeightPenalty',
};

/** Explanations for fields that exist elsewhere but make no sense where they were written. */
function misplacedFieldHint(field: string, parent: unknown): string | null {
  const name = parent && typeof parent === 'object' ? (parent as Record<string, unknown>).name : undefined;
  if (field === 'momentum' && name !== 'momentum') {
    return `${String(name)} has no momentum; use { name: "momentum", learningRate, momentum }`;
  }
  if ((field === 'slope' || field === 'alpha') && name !== 'leakyRelu' && name !== 'elu') {
    return `${String(name)} has no parameters; a negative-side slope needs { name: "leakyRelu", slope }, a saturation { name: "elu", alpha }`;
  }
  return null;
}

/** Levenshtein distance, for spelling suggestions among a handful of field names. */
function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let row = 1; row <= a.length; row++) {
    let diagonal = previous[0];
    previous[0] = row;
    for (let column = 1; column <= b.length; column++) {
      const above = previous[column];
      previous[column] = Math.min(previous[column] + 1, previous[column - 1] + 1, diagonal + (a[row - 1] === b[column - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length];
}

/** The accepted field that `field` most likely meant, if one is close enough. */
export function suggestField(field: string, allowed: readonly string[]): string | null {
  const known = KNOWN_MISTAKES[field];
  if (known && allowed.includes(known)) return known;
  const lower = field.toLowerCase().replace(/_/g, '');
  const exact = allowed.find((candidate) => candidate.toLowerCase() === lower);
  if (exact) return exact;
  let best: { name: string; distance: number } | null = null;
  for (const candidate of allowed) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance <= Math.max(1, Math.floor(candidate.length / 4)) && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name ?? null;
}

type PathPart = PropertyKey;

/** `a.b[2].c` from a path, under an optional root name. */
export function fieldName(root: string, path: readonly PathPart[]): string {
  let name = root;
  for (const part of path) {
    if (typeof part === 'number') name += `[${part}]`;
    else name += name ? `.${String(part)}` : String(part);
  }
  return name || 'value';
}

/** The value at a path inside the input; a bare string stands for itself (an activation name). */
function valueAt(input: unknown, path: readonly PathPart[]): unknown {
  let value = input;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return value;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/** The fields a strict object schema accepts, found by following the path through the schema's shape. */
function allowedFields(schema: z.ZodType, path: readonly PathPart[], input: unknown): string[] {
  // The objects of a discriminated union differ; the right one is picked by the input's discriminator.
  let current: z.ZodType | undefined = schema;
  const walk = [...path];
  const unwrap = (type: z.ZodType): z.ZodType => {
    let node: z.ZodType = type;
    for (let guard = 0; guard < 10; guard++) {
      const definition = (node as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
      if (definition.type === 'default' || definition.type === 'optional' || definition.type === 'prefault') node = definition.innerType as z.ZodType;
      else if (definition.type === 'pipe') node = (definition.out as z.ZodType);
      else break;
    }
    return node;
  };
  let value = input;
  for (let step = 0; current; step++) {
    current = unwrap(current);
    const definition = (current as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (definition.type === 'union') {
      const discriminator = definition.discriminator as string | undefined;
      const wanted = value && typeof value === 'object' ? (value as Record<string, unknown>)[discriminator ?? ''] : value;
      const options = definition.options as z.ZodType[];
      current = options.find((option) => {
        const shape = (unwrap(option) as unknown as { shape?: Record<string, z.ZodType> }).shape;
        const literal = shape?.[discriminator ?? '']?._zod.def as { values?: unknown[] } | undefined;
        return literal?.values?.includes(wanted);
      });
      continue;
    }
    if (walk.length === 0) {
      const shape = (current as unknown as { shape?: Record<string, unknown> }).shape;
      return shape ? Object.keys(shape) : [];
    }
    const part = walk.shift() as PathPart;
    value = value && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[part] : undefined;
    if (definition.type === 'object') current = ((current as unknown as { shape: Record<PropertyKey, z.ZodType> }).shape)[part];
    else if (definition.type === 'array') current = definition.element as z.ZodType;
    else return [];
  }
  return [];
}

/** One SpecError for the first issue of a failed parse (the one a person fixes first). */
function errorFromIssue(schema: z.ZodType, issue: z.core.$ZodIssue, input: unknown, root: string): SpecError {
  if (issue.code === 'unrecognized_keys') {
    const parent = valueAt(input, issue.path);
    const key = issue.keys[0];
    const field = fieldName(root, [...issue.path, key]);
    const allowed = allowedFields(schema, issue.path, input);
    const misplaced = misplacedFieldHint(key, parent);
    const suggestion = suggestField(key, allowed);
    const hint = misplaced ?? (suggestion ? `did you mean ${suggestion}?` : `allowed fields: ${allowed.join(', ')}`);
    return new SpecError(field, `unknown field; ${hint}`);
  }
  const value = valueAt(input, issue.path);
  const field = fieldName(root, issue.path);
  const message = issue.message.includes('{value}') ? issue.message.replace('{value}', describeValue(value)) : `${issue.message}, got ${describeValue(value)}`;
  return new SpecError(field, message);
}

/** Parses `input` with `schema`; on failure throws a SpecError naming the field under `root`. */
export function parseWithSchema<Schema extends z.ZodType>(schema: Schema, input: unknown, root = ''): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  // Unknown fields first: a misspelt field is the cause, the missing correct field only its symptom.
  const first = issues.find((issue) => issue.code === 'unrecognized_keys') ?? issues[0];
  throw errorFromIssue(schema, first, input, root);
}
