// Input sources beyond Node's own http/https request that ride on builtins: HTTP/2 and
// fastify's diagnostics channel. The package sources (koa, hono, ws, graphql, XML parsers,
// multipart form fields) are listed in ../index.ts and loaded with their package.
import type { BuiltinHook } from '../types';
import { fastifyHook } from './fastify';
import { http2ServerHook } from './http2-server';

export const frameworkBuiltinHooks: readonly BuiltinHook[] = [http2ServerHook, fastifyHook];
