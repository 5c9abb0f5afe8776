/**
 * A worker process of the experiment runner: receives runs over IPC, trains them one at a time,
 * writes each result to the cache itself (so a finished run survives the parent being killed), and
 * reports progress. Started by runner.ts with OPENBLAS_NUM_THREADS=1, one per core.
 */
import { initializeBackend } from '../backend';
import { writeCacheEntry } from './cache';
import { createDataLoader, executeRun } from './execute';
import { WorkerMessage, WorkerTask } from './protocol';

function send(message: WorkerMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const backend = await initializeBackend();
  const loadDataOnce = createDataLoader();
  process.on('disconnect', () => process.exit(0));
  process.on('message', (task: WorkerTask) => {
    try {
      const data = loadDataOnce(task.config.data);
      const result = executeRun(task.config, data, task.seed, (record) =>
        send({ type: 'epoch', key: task.key, epoch: record.epoch, testMse: record.testMse }),
      );
      writeCacheEntry(task.cacheDirectory, task.identity, result);
      send({ type: 'done', key: task.key, result });
    } catch (error) {
      send({ type: 'failed', key: task.key, message: (error as Error).stack ?? String(error) });
    }
  });
  send({ type: 'ready', backend });
}

main().catch((error) => {
  send({ type: 'failed', key: '', message: (error as Error).stack ?? String(error) });
  process.exit(1);
});
