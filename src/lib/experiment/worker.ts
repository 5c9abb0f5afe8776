/**
 * A worker process of the experiment runner: receives runs over IPC, trains them one at a time,
 * writes each result to the cache itself (so a finished run survives the parent being killed), and
 * reports progress. It refuses a run whose key names another engine than its own, rather than
 * computing a result under the wrong key. It exits when its parent goes away.
 */
import { engineIdentity, prepareEngine } from '../engine/index';
import { executeRun } from '../runs/index';
import { writeCacheEntry } from './cache';
import { createDataLoader } from './dataLoader';
import { WorkerMessage, WorkerTask } from './protocol';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  process.on('disconnect', () => process.exit(0));
  const engine = await prepareEngine();
  const identity = engineIdentity(engine);
  const loadDataOnce = createDataLoader();
  let queue = Promise.resolve();
  process.on('message', (task: WorkerTask) => {
    queue = queue.then(async () => {
      try {
        if (task.identity.engine !== identity) {
          throw new Error(`this worker trains on ${identity}, but the run's key was made for ${task.identity.engine}`);
        }
        const result = await executeRun(task.config, loadDataOnce(task.config.data), task.seed, engine, (record) =>
          send({ type: 'epoch', key: task.key, epoch: record.epoch, testMse: record.testMse }),
        );
        let cacheError: string | undefined;
        try {
          writeCacheEntry(task.cacheDirectory, task.identity, result);
        } catch (error) {
          cacheError = (error as Error).message;
        }
        send({ type: 'done', key: task.key, result, cacheError });
      } catch (error) {
        send({ type: 'failed', key: task.key, message: (error as Error).message });
      }
    });
  });
  send({ type: 'ready', engine: identity });
}

main().catch((error) => {
  send({ type: 'startFailed', message: (error as Error).message });
  process.exit(1);
});
