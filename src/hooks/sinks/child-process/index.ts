// child_process: every public way to start a program. Patched in place on the builtin's
// exports, so `const { exec } = require('child_process')` taken after start and ESM named
// imports (synced by instrument.ts) get the protected functions.
import { promisify } from 'node:util';
import type { BuiltinHook } from '../../types';
import { declareBuiltinHook, exportsOf } from '../../methods-hook';
import { refusedPromise } from '../../../refuse';
import { failOpenLoader } from '../../../guard-gates';
import type * as Calls from './calls';
import type { Check } from './calls';
import type * as Refusals from './refusals';
import type { Refusal } from './refusals';

type AnyFunction = (...args: any[]) => any;

// The checks (with the shell detectors' front) load with the first child process call, and
// the refusals with them: a refusal only follows a verdict of a check that loaded.
/* eslint-disable @typescript-eslint/no-require-imports */
const parts = failOpenLoader('load:child_process-check', () => ({
  calls: require('./calls') as typeof Calls,
  refusals: require('./refusals') as typeof Refusals,
}));
/* eslint-enable @typescript-eslint/no-require-imports */

const check =
  (name: 'checkExec' | 'checkFile' | 'checkFork'): Check =>
  (sink, args) =>
    parts()?.calls[name](sink, args);
const refusal =
  (name: 'refuseExec' | 'refuseExecFile' | 'refuseFork' | 'refuseSpawn' | 'refuseSpawnSync' | 'refuseThrow'): Refusal =>
  (error, args) =>
    parts()!.refusals[name](error, args);

const SINKS: ReadonlyArray<readonly [name: string, check: Check, refuse: Refusal]> = [
  ['exec', check('checkExec'), refusal('refuseExec')],
  ['execSync', check('checkExec'), refusal('refuseThrow')],
  ['execFile', check('checkFile'), refusal('refuseExecFile')],
  ['execFileSync', check('checkFile'), refusal('refuseThrow')],
  ['spawn', check('checkFile'), refusal('refuseSpawn')],
  ['spawnSync', check('checkFile'), refusal('refuseSpawnSync')],
  ['fork', check('checkFork'), refusal('refuseFork')],
];

// Above zero while a protected call runs. exec() calls module.exports.execFile, and the
// promisified forms call the originals: the inner call is the same command, checked once.
let depth = 0;

function protect(sink: string, check: Check, refuse: Refusal) {
  return (original: AnyFunction): AnyFunction => {
    const wrapper = function (this: unknown): unknown {
      // eslint-disable-next-line prefer-rest-params
      const args = arguments;
      if (depth === 0) {
        const refusal = check(sink, args);
        if (refusal !== undefined) return refuse(refusal, args);
      }
      depth++;
      try {
        return original.apply(this, args as unknown as unknown[]);
      } finally {
        depth--;
      }
    };
    // exec and execFile carry a promisify.custom that closes over the original function;
    // copying it would hand util.promisify an unprotected exec, so give a guarded one.
    const custom = (original as unknown as Record<symbol, unknown>)[promisify.custom];
    if (typeof custom === 'function') {
      Object.defineProperty(wrapper, promisify.custom, { value: guardedCustom(sink, check, refuse, custom as AnyFunction) });
    }
    return wrapper;
  };
}

/** Same promise (`{stdout, stderr}`, `.child`) as Node's; a refused call rejects instead. */
function guardedCustom(sink: string, check: Check, refuse: Refusal, custom: AnyFunction): AnyFunction {
  const promisified = function (this: unknown, ...args: unknown[]): unknown {
    if (depth === 0) {
      const refusal = check(sink, args);
      if (refusal !== undefined) {
        const rejected = refusedPromise(refusal) as Promise<never> & { child?: unknown };
        // Like Node's: the promise carries the child, here one that never started.
        rejected.child = refuse(refusal, args);
        return rejected;
      }
    }
    depth++;
    try {
      return custom.apply(this, args);
    } finally {
      depth--;
    }
  };
  Object.defineProperty(promisified, 'name', { value: custom.name, configurable: true });
  return promisified;
}

export const childProcessHook: BuiltinHook = declareBuiltinHook({
  module: 'child_process',
  targets: [{ at: exportsOf, wrap: Object.fromEntries(SINKS.map(([name, check, refuse]) => [name, protect(`child_process.${name}`, check, refuse)])) }],
});
