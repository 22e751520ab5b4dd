// Every hook rampart installs. Adding a sink means adding its file and a line here.
import { betterSqlite3Hook } from './better-sqlite3';
import { httpServerHook, httpsServerHook } from './http-server';
import type { BuiltinHook, ModuleHook } from './types';

export const BUILTIN_HOOKS: readonly BuiltinHook[] = [httpServerHook, httpsServerHook];

export const MODULE_HOOKS: readonly ModuleHook[] = [betterSqlite3Hook];
