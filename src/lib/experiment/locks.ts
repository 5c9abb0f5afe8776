/**
 * Per-run locks in the cache folder, so that two experiments that need the same run on one machine
 * (two report builds, a build and a notebook) compute it once: the first takes `<key>.lock`, the
 * other waits for the result to appear in the cache. A lock whose process is gone is stale and is
 * taken over, so a killed build never blocks the next one.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export function lockFile(directory: string, key: string): string {
  return path.join(directory, `${key}.lock`);
}

/** Whether a process of this machine runs (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds the lock, or null when nobody (or only a dead process on this host) does. */
export function lockHolder(directory: string, key: string): LockOwner | null {
  const file = lockFile(directory, key);
  let owner: LockOwner;
  try {
    owner = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
  if (owner.host === os.hostname() && !processAlive(owner.pid)) return null;
  return owner;
}

/**
 * Takes the lock for a run; true when this process may compute it. A stale lock (its process is
 * gone) is replaced. The owner is written to a file of this process's own and then hard-linked to
 * the lock's name: the link is atomic and fails when the lock exists, and another process never
 * sees a lock file without its owner (an `O_EXCL` create followed by a write left a moment where
 * the file was empty, read as stale, and taken a second time). A lock file that cannot be written
 * at all (a full disk) also answers true: the lock only saves duplicate work, and the run must not
 * wait forever for a lock nobody holds.
 */
export function tryLock(directory: string, key: string): boolean {
  const file = lockFile(directory, key);
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  const draft = `${file}.${owner.host}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(draft, JSON.stringify(owner));
  } catch {
    return true;
  }
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.linkSync(draft, file);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return true;
        const holder = lockHolder(directory, key);
        if (holder && !(holder.pid === process.pid && holder.host === owner.host)) return false;
        if (holder) return true;
        // Stale: its owner died. Remove it and try once more (another process may win that race).
        fs.rmSync(file, { force: true });
      }
    }
    return false;
  } finally {
    fs.rmSync(draft, { force: true });
  }
}

/** Releases a lock this process holds (a lock of another process is left alone). */
export function unlock(directory: string, key: string): void {
  const holder = lockHolder(directory, key);
  if (holder && holder.pid === process.pid && holder.host === os.hostname()) fs.rmSync(lockFile(directory, key), { force: true });
}
