/**
 * The two local executors of an experiment's missing runs: in this process, or in a pool of forked
 * worker processes (one run per worker at a time). Both ask a scheduler for the next run, which
 * hands out only runs this process holds the lock for and answers 'wait' while the remaining runs
 * are being computed by another process. (The third executor, through a job queue, is
 * queue/coordinator.ts.)
 */
import { fork } from 'child_process';
import * as path from 'path';
import { engineIdentity, prepareEngine } from '../engine/index';
import { executeRun, RunResult } from '../runs/index';
import { writeCacheEntry } from './cache';
import { createDataLoader } from './dataLoader';
import { WorkerMessage, WorkerTask } from './protocol';

/** A run as the runner plans it: the worker's task plus what plots and tables need. */
export interface PlannedRun extends WorkerTask {
  label: string;
  group: string;
  parameters: Record<string, number | string | boolean>;
}

/** Hands out runs: a run to start, 'wait' while the rest are locked elsewhere, null when none are left. */
export interface Scheduler {
  take(queue: PlannedRun[]): PlannedRun | 'wait' | null;
}

export interface ExecutorEvents {
  /** A run started; `worker` names the process that holds it when it is not one of this machine's (the queue's workers). */
  onStart(task: PlannedRun, worker?: string): void;
  onEpoch(task: PlannedRun, epoch: number): void;
  onDone(task: PlannedRun, result: RunResult, seconds: number, cacheError?: string): void;
  onFailed(task: PlannedRun, message: string): void;
  /** A started run is waiting to be taken again (its worker died, or it failed an attempt and will be retried). */
  onWaiting?(task: PlannedRun): void;
}

/** How long to wait before asking again for runs that another process is computing. */
const WAIT_MILLISECONDS = 500;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Runs every task in this process, one after the other. */
export async function runInProcess(tasks: PlannedRun[], scheduler: Scheduler, events: ExecutorEvents): Promise<void> {
  const queue = [...tasks];
  const engine = await prepareEngine();
  const identity = engineIdentity(engine);
  const loadDataOnce = createDataLoader();
  for (;;) {
    const task = scheduler.take(queue);
    if (task === null) return;
    if (task === 'wait') {
      await sleep(WAIT_MILLISECONDS);
      continue;
    }
    const started = Date.now();
    events.onStart(task);
    try {
      if (task.identity.engine !== identity) throw new Error(`this process trains on ${identity}, but the run's key was made for ${task.identity.engine}`);
      const result = await executeRun(task.config, loadDataOnce(task.config.data), task.seed, engine, (record) => events.onEpoch(task, record.epoch));
      let cacheError: string | undefined;
      try {
        writeCacheEntry(task.cacheDirectory, task.identity, result);
      } catch (error) {
        cacheError = (error as Error).message;
      }
      events.onDone(task, result, (Date.now() - started) / 1000, cacheError);
    } catch (error) {
      events.onFailed(task, (error as Error).message);
    }
  }
}

/**
 * Feeds tasks to `count` forked workers. A worker that cannot start fails the whole experiment with
 * its message (rather than each run with "no worker left"); a worker that dies mid-run fails that run.
 */
export function runInWorkers(tasks: PlannedRun[], count: number, scheduler: Scheduler, events: ExecutorEvents): Promise<void> {
  const queue = [...tasks];
  return new Promise((resolve, reject) => {
    let alive = count;
    let startFailure: string | null = null;
    for (let index = 0; index < count; index++) {
      const child = fork(path.join(__dirname, 'worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      let current: { task: PlannedRun; started: number } | null = null;
      const next = (): void => {
        if (startFailure !== null) {
          child.disconnect();
          return;
        }
        const task = scheduler.take(queue);
        if (task === 'wait') {
          current = null;
          setTimeout(next, WAIT_MILLISECONDS);
          return;
        }
        if (task === null) {
          current = null;
          if (child.connected) child.disconnect();
          return;
        }
        current = { task, started: Date.now() };
        events.onStart(task);
        child.send(task);
      };
      child.on('message', (message: WorkerMessage) => {
        if (message.type === 'ready') next();
        else if (message.type === 'startFailed') startFailure = message.message;
        else if (current && message.key === current.task.key) {
          if (message.type === 'epoch') events.onEpoch(current.task, message.epoch);
          else if (message.type === 'done') {
            events.onDone(current.task, message.result, (Date.now() - current.started) / 1000, message.cacheError);
            next();
          } else if (message.type === 'failed') {
            events.onFailed(current.task, message.message);
            next();
          }
        }
      });
      child.on('exit', (code, signal) => {
        if (current) events.onFailed(current.task, `its worker process exited (${signal ?? `code ${code}`}) while running it`);
        current = null;
        alive--;
        if (alive > 0) return;
        if (startFailure !== null) {
          reject(new Error(`the experiment's worker processes could not start: ${startFailure}`));
          return;
        }
        // Tasks left when every worker has died are failures too.
        for (const task of queue.splice(0)) events.onFailed(task, 'no worker process was left to run it');
        resolve();
      });
    }
  });
}
