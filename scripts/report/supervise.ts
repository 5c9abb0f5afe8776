/**
 * Runs one command (nbconvert) on behalf of the report script and makes sure it dies with it:
 *
 *   report script ──spawn──▶ supervise.js ──spawn──▶ nbconvert ──▶ tslab kernel (its own session) ──▶ workers
 *
 * If the report script disappears (even by kill -9, which it cannot catch), this process notices
 * within a fraction of a second, freezes the whole tree under nbconvert (SIGSTOP, so nothing forks
 * or writes meanwhile), then kills it (SIGKILL). The kernel runs in a session of its own, so the
 * tree is found through /proc by parent ids, before anything is killed.
 *
 * usage: node supervise.js <report script pid> <command> [arguments…]
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const POLL_MILLISECONDS = 100;

/** Every process's parent id, from /proc (Linux). */
function parentIds(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // The command name in field 2 may hold spaces and parentheses; the fields after its last ')' do not.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parents.set(Number(name), Number(fields[1]));
    } catch {
      // The process ended while the list was read.
    }
  }
  return parents;
}

/** The process and all its descendants, found before any of them is killed. */
export function processTree(root: number): number[] {
  const parents = parentIds();
  const tree = [root];
  for (let index = 0; index < tree.length; index++) {
    for (const [pid, parent] of parents) if (parent === tree[index] && !tree.includes(pid)) tree.push(pid);
  }
  return tree;
}

function signalAll(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Freezes the tree, then kills it; twice, to catch a process forked between the two snapshots. */
export function killTree(root: number): void {
  for (let round = 0; round < 2; round++) {
    const tree = processTree(root);
    signalAll(tree, 'SIGSTOP');
    signalAll(processTree(root).filter((pid) => !tree.includes(pid)), 'SIGSTOP');
    signalAll(processTree(root), 'SIGKILL');
  }
}

function main(argv: string[]): void {
  const [parentText, command, ...args] = argv;
  const parent = Number(parentText);
  if (!Number.isInteger(parent) || !command) {
    process.stderr.write('usage: node supervise.js <report script pid> <command> [arguments…]\n');
    process.exit(2);
  }
  const child = spawn(command, args, { stdio: 'inherit' });
  const parentGone = (): boolean => {
    if (process.ppid !== parent) return true;
    try {
      process.kill(parent, 0);
      return false;
    } catch {
      return true;
    }
  };
  const watch = setInterval(() => {
    if (!parentGone() || child.pid === undefined) return;
    clearInterval(watch);
    killTree(child.pid);
    process.exit(1);
  }, POLL_MILLISECONDS);
  const stop = (): void => {
    if (child.pid !== undefined) killTree(child.pid);
    process.exit(1);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  child.on('error', (error) => {
    process.stderr.write(`supervise: cannot start ${command}: ${error.message}\n`);
    process.exit(127);
  });
  child.on('exit', (code, signal) => {
    clearInterval(watch);
    process.exit(code ?? (signal ? 1 : 0));
  });
}

if (require.main === module) main(process.argv.slice(2));
