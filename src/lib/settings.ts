/**
 * Every RELU_AE_* environment variable the library reads, read and validated here and nowhere
 * else, so that a bad value fails at once with the variable's name and the value instead of being
 * ignored or misread deep inside a run (an empty value counts as unset).
 */
import { SpecError, describeValue } from './specErrors';

export const ENGINE_PREFERENCES = ['auto', 'blas', 'wasm', 'tfjs'] as const;
export type EnginePreference = (typeof ENGINE_PREFERENCES)[number];
export const BACKEND_PREFERENCES = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendPreference = (typeof BACKEND_PREFERENCES)[number];
export const PROFILE_NAMES = ['quick', 'default', 'full'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** The variables, by what they set. */
export const ENVIRONMENT_VARIABLES = {
  engine: 'RELU_AE_ENGINE',
  backend: 'RELU_AE_BACKEND',
  workers: 'RELU_AE_WORKERS',
  cacheDirectory: 'RELU_AE_CACHE_DIR',
  profile: 'RELU_AE_PROFILE',
  reportsDirectory: 'RELU_AE_REPORTS_DIR',
  buildInfo: 'RELU_AE_BUILD_INFO',
  progressFile: 'RELU_AE_PROGRESS_FILE',
  queue: 'RELU_AE_QUEUE',
} as const;
export type SettingName = keyof typeof ENVIRONMENT_VARIABLES;

export interface Settings {
  /** Training engine: auto (native when it loads, else wasm), blas, wasm, tfjs. */
  engine: EnginePreference;
  /** tfjs backend: auto (tfjs-node when it loads, else wasm), tensorflow, wasm, cpu. */
  backend: BackendPreference;
  /** Worker processes of an experiment; undefined: one per core. */
  workers: number | undefined;
  cacheDirectory: string | undefined;
  profile: ProfileName | undefined;
  reportsDirectory: string | undefined;
  buildInfo: string | undefined;
  progressFile: string | undefined;
  /** A redis:// URL: experiments run their missing runs through a job queue. */
  queue: string | undefined;
}

function oneOf<T extends string>(name: SettingName, value: string | undefined, allowed: readonly T[], fallback: T): T;
function oneOf<T extends string>(name: SettingName, value: string | undefined, allowed: readonly T[]): T | undefined;
function oneOf<T extends string>(name: SettingName, value: string | undefined, allowed: readonly T[], fallback?: T): T | undefined {
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new SpecError(ENVIRONMENT_VARIABLES[name], `unknown value ${describeValue(value)}; expected one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** Reads and validates every setting from `environment` (default process.env). */
export function readSettings(environment: NodeJS.ProcessEnv = process.env): Settings {
  const raw = (name: SettingName): string | undefined => {
    const value = environment[ENVIRONMENT_VARIABLES[name]];
    return value === undefined || value === '' ? undefined : value;
  };
  const workersText = raw('workers');
  let workers: number | undefined;
  if (workersText !== undefined) {
    workers = /^\s*\d+\s*$/.test(workersText) ? Number(workersText) : NaN;
    if (!Number.isSafeInteger(workers)) {
      throw new SpecError(ENVIRONMENT_VARIABLES.workers, `must be an integer ≥ 0 (0 runs in this process), got ${describeValue(workersText)}`);
    }
  }
  const queue = raw('queue');
  if (queue !== undefined && !/^rediss?:\/\//.test(queue)) {
    throw new SpecError(ENVIRONMENT_VARIABLES.queue, 'must be a redis:// or rediss:// URL');
  }
  return {
    engine: oneOf('engine', raw('engine'), ENGINE_PREFERENCES, 'auto'),
    backend: oneOf('backend', raw('backend'), BACKEND_PREFERENCES, 'auto'),
    workers,
    cacheDirectory: raw('cacheDirectory'),
    profile: oneOf('profile', raw('profile'), PROFILE_NAMES),
    reportsDirectory: raw('reportsDirectory'),
    buildInfo: raw('buildInfo'),
    progressFile: raw('progressFile'),
    queue,
  };
}
