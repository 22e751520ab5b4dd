// Every hook rampart installs. Adding a sink means adding its file and a line here.
import { betterSqlite3Hook } from './better-sqlite3';
import { childProcessHook } from './child-process';
import { frameworkBuiltinHooks, frameworkModuleHooks } from './frameworks';
import { fsHook, fsPromisesHook } from './fs';
import { httpServerHook, httpsServerHook } from './http-server';
import { outboundBuiltinHooks, outboundModuleHooks } from './outbound';
import { SQL_DRIVER_HOOKS } from './sql';
import type { BuiltinHook, ModuleHook } from './types';

export const BUILTIN_HOOKS: readonly BuiltinHook[] = [httpServerHook, httpsServerHook, childProcessHook, fsHook, fsPromisesHook, ...outboundBuiltinHooks, ...frameworkBuiltinHooks];

export const MODULE_HOOKS: readonly ModuleHook[] = [betterSqlite3Hook, ...SQL_DRIVER_HOOKS, ...outboundModuleHooks, ...frameworkModuleHooks];
