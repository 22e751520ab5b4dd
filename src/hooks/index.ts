// Every hook rampart installs. Adding a sink means adding its file and a line here.
import { betterSqlite3Hook } from './sinks/sql/better-sqlite3';
import { childProcessHook } from './sinks/child-process';
import { frameworkBuiltinHooks, frameworkModuleHooks } from './sources';
import { fsHook, fsPromisesHook } from './sinks/fs';
import { httpServerHook, httpsServerHook } from './sources/http-server';
import { rawBodyHook } from './sources/raw-body';
import { outboundBuiltinHooks, outboundModuleHooks } from './sinks/outbound';
import { SQL_DRIVER_HOOKS } from './sinks/sql';
import type { BuiltinHook, ModuleHook } from './types';

export const BUILTIN_HOOKS: readonly BuiltinHook[] = [httpServerHook, httpsServerHook, rawBodyHook, childProcessHook, fsHook, fsPromisesHook, ...outboundBuiltinHooks, ...frameworkBuiltinHooks];

export const MODULE_HOOKS: readonly ModuleHook[] = [betterSqlite3Hook, ...SQL_DRIVER_HOOKS, ...outboundModuleHooks, ...frameworkModuleHooks];
