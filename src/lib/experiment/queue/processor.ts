/**
 * The training process of a queue worker: BullMQ runs this file in a child process of the worker
 * (a sandboxed processor), one run at a time, so that the worker's own event loop stays free to
 * renew the job's lock while training blocks this one.
 *
 * Before it trains, it checks everything a result's key stands for and fails the job, without
 * retries, when any of it differs here: the job's shape, its key (the hash of its identity), the
 * config (validated and resolved by this checkout's schemas, it must come out as sent), the code
 * version, the engine and the data's fingerprint. It never computes a result under a wrong key.
 */
import type { SandboxedJob } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import * as os from 'os';
import { engineIdentity, EngineChoice, prepareEngine } from '../../engine/index';
import { executeRun, resolveRunConfig } from '../../runs/index';
import { SpecError } from '../../specErrors';
import { canonicalJson, codeVersion, resultChecksum } from '../cache';
import { createDataLoader } from '../dataLoader';
import { parseRunJobData, RUN_JOB_NAME, RunJobData, RunJobProgress, RunJobResult } from './jobs';

/** What this process trains with, prepared on its first job and kept for the next ones. */
interface TrainingSetup {
  engine: EngineChoice;
  identity: string;
  codeVersion: string;
  loadData: ReturnType<typeof createDataLoader>;
}

/**
 * The worker this process was forked by. When the worker is killed outright (SIGKILL, a crash) this
 * process is adopted by another and its results have nowhere to go: it exits at its next epoch
 * rather than train on. (Waiting for the IPC channel's disconnect event is not enough: it only
 * arrives after training, and BullMQ's child then loops on the broken pipe instead of exiting.)
 */
const WORKER_PROCESS_ID = process.ppid;

function exitIfOrphaned(): void {
  if (process.ppid !== WORKER_PROCESS_ID) process.exit(0);
}

/** Refuses a job: it fails at once, with `message`, and is not retried. */
function refuse(message: string): never {
  throw new UnrecoverableError(message);
}

/** Checks a job against this process's code, engine and data; returns the resolved config. */
function checkJob(job: SandboxedJob, setup: TrainingSetup, worker: string): { data: RunJobData; config: ReturnType<typeof resolveRunConfig> } {
  if (job.name !== RUN_JOB_NAME) refuse(`refused by ${worker}: unknown job name ${JSON.stringify(job.name)}; this worker only trains "${RUN_JOB_NAME}" jobs`);
  const parsed = parseRunJobData(job.data);
  if (parsed.problem !== undefined) refuse(`refused by ${worker}: ${parsed.problem}`);
  const { data } = parsed;
  if (job.id !== data.key) refuse(`refused by ${worker}: the job id ${job.id} is not the run's key ${data.key}`);
  const { identity } = data;
  if (identity.codeVersion !== setup.codeVersion || identity.engine !== setup.identity) {
    refuse(
      `refused by ${worker}: the run was keyed for code version ${identity.codeVersion} on ${identity.engine}, ` +
        `but this worker runs code version ${setup.codeVersion} on ${setup.identity}; run a worker from the coordinator's commit and engine`,
    );
  }
  let config;
  try {
    config = resolveRunConfig(identity.config as never);
  } catch (error) {
    if (error instanceof SpecError) refuse(`invalid config: ${error.message}`);
    throw error;
  }
  if (canonicalJson(config) !== canonicalJson(identity.config)) {
    refuse(`refused by ${worker}: the config resolves differently here than where it was keyed (another version of the schemas?)`);
  }
  return { data, config };
}

/** Creates the processor: the setup is made once per process, on the first job. */
function createRunProcessor(): (job: SandboxedJob) => Promise<RunJobResult> {
  const worker = `${os.hostname()}:${process.pid}`;
  let setup: Promise<TrainingSetup> | null = null;
  const prepare = async (): Promise<TrainingSetup> => {
    const engine = await prepareEngine();
    return { engine, identity: engineIdentity(engine), codeVersion: codeVersion(), loadData: createDataLoader() };
  };
  return async (job) => {
    setup ??= prepare();
    const ready = await setup;
    const { data, config } = checkJob(job, ready, worker);
    const split = ready.loadData(config.data);
    if (split.description.fingerprint !== data.identity.dataFingerprint) {
      refuse(`refused by ${worker}: the data here have fingerprint ${split.description.fingerprint}, the run was keyed for ${data.identity.dataFingerprint}`);
    }
    const report = (epoch: number): void => {
      exitIfOrphaned();
      const progress: RunJobProgress = { worker, epoch };
      // Progress is for display; a lost update must not fail the run.
      job.updateProgress(progress).catch(() => undefined);
    };
    report(0);
    const result = await executeRun(config, split, data.identity.seed, ready.engine, (record) => report(record.epoch));
    exitIfOrphaned();
    // The result travels as JSON; the checksum is that of what the coordinator will parse.
    const transported = JSON.parse(JSON.stringify(result));
    return { key: data.key, identity: data.identity, result: transported, checksum: resultChecksum(transported), worker };
  };
}

export default createRunProcessor();
