/**
 * A build never writes into its output folder directly: it writes a staging folder beside it, and
 * only a complete build replaces the output (two renames). A build killed midway leaves the
 * output as it was and a stale staging folder, which the next build removes. One build at a time
 * writes an output folder: the next one waits for the lock (a lock of a dead process is stale).
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { processAlive } from '../../src/lib/experiment/locks';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** The pid that holds a folder's build lock, or null. */
export function buildLockHolder(outputFolder: string): number | null {
  const file = `${outputFolder}.lock`;
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && processAlive(pid) ? pid : null;
}

/** Takes the output folder's build lock, waiting while another live build holds it. */
export async function acquireBuildLock(outputFolder: string, onWait: (pid: number) => void): Promise<() => void> {
  const file = `${outputFolder}.lock`;
  let told = false;
  for (;;) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = buildLockHolder(outputFolder);
    if (holder === null) {
      rmSync(file, { force: true });
      continue;
    }
    if (!told) onWait(holder);
    told = true;
    await sleep(1000);
  }
}

/**
 * What builds whose process is gone left behind: staging folders are removed with whatever they
 * wrote; an output folder moved aside by a build killed between its two renames is put back.
 */
export function removeStaleStaging(outputFolder: string): string[] {
  const parent = dirname(outputFolder);
  const removed: string[] = [];
  for (const name of existsSync(parent) ? readdirSync(parent) : []) {
    const match = new RegExp(`^${basename(outputFolder).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(staging|previous)-(\\d+)$`).exec(name);
    if (!match || processAlive(Number(match[2]))) continue;
    if (match[1] === 'previous' && !existsSync(outputFolder)) renameSync(join(parent, name), outputFolder);
    else rmSync(join(parent, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * A fresh staging folder for this build. A partial build (one notebook) starts from a copy of the
 * current output, so the other pages stay; a whole build starts empty.
 */
export function createStaging(outputFolder: string, keepExisting: boolean): string {
  const staging = `${outputFolder}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  if (keepExisting && existsSync(outputFolder)) cpSync(outputFolder, staging, { recursive: true });
  else mkdirSync(staging, { recursive: true });
  return staging;
}

/** Replaces the output folder by the staging folder (the old output is removed after the swap). */
export function promoteStaging(staging: string, outputFolder: string): void {
  const previous = `${outputFolder}.previous-${process.pid}`;
  if (existsSync(outputFolder)) renameSync(outputFolder, previous);
  renameSync(staging, outputFolder);
  rmSync(previous, { recursive: true, force: true });
}
