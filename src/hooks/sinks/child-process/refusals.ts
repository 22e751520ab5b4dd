// How each child_process entry point is refused, in its own style (docs/refusals.md):
// the asynchronous ones hand back a ChildProcess that never started, execSync and
// execFileSync throw (as they do when the program cannot run), spawnSync returns `{ error }`.
import type { RampartBlockedError } from '../../../errors';
import { lastFunctionIndex, refuseSync } from '../../../refuse';
import { refusedChildProcess, refusedExec, refusedSpawnSync, type RefusedSpawn } from '../../../refuse/child-process';

export type Refusal = (error: RampartBlockedError, args: ArrayLike<unknown>) => unknown;

const NO_ARGS: readonly unknown[] = Object.freeze([]);

function objectAt(a: ArrayLike<unknown>, i: number): RefusedSpawn['options'] {
  const value = a[i];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as RefusedSpawn['options']) : undefined;
}

/** (file, args?, options?, callback?) as execFile, spawn and fork read it. */
function fileCall(a: ArrayLike<unknown>, ipc: boolean): RefusedSpawn {
  const args = Array.isArray(a[1]) ? (a[1] as unknown[]) : NO_ARGS;
  const options = Array.isArray(a[1]) ? objectAt(a, 2) : objectAt(a, 1);
  const file = String(a[0]);
  return ipc ? { file: process.execPath, args: [file, ...args], options, ipc } : { file, args, options, ipc };
}

/** exec(command, options?, callback?): the shell Node would start. */
function shellCall(a: ArrayLike<unknown>): RefusedSpawn {
  return { file: '/bin/sh', args: ['-c', String(a[0])], options: objectAt(a, 1), ipc: false };
}

function callbackOf(a: ArrayLike<unknown>): unknown {
  const i = lastFunctionIndex(a);
  return i === -1 ? undefined : a[i];
}

export const refuseExec: Refusal = (error, a) => refusedExec(error, shellCall(a), callbackOf(a));
export const refuseExecFile: Refusal = (error, a) => refusedExec(error, fileCall(a, false), callbackOf(a));
export const refuseSpawn: Refusal = (error, a) => refusedChildProcess(error, fileCall(a, false));
export const refuseFork: Refusal = (error, a) => refusedChildProcess(error, fileCall(a, true));
export const refuseSpawnSync: Refusal = (error) => refusedSpawnSync(error);
export const refuseThrow: Refusal = (error) => refuseSync(error);
