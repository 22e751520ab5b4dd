// Input sources beyond Node's own http/https request: frameworks that keep parsed data
// on their own objects, HTTP/2, WebSocket messages, GraphQL operations, XML documents,
// multipart form fields.
import type { BuiltinHook, ModuleHook } from '../types';
import { fastifyBusboyHook } from './busboy';
import { fastXmlParserHook } from './fast-xml-parser';
import { fastifyHook } from './fastify';
import { graphqlHook } from './graphql';
import { honoHook } from './hono';
import { http2ServerHook } from './http2-server';
import { koaHook } from './koa';
import { wsHook } from './ws';
import { xml2jsHook } from './xml2js';

export const frameworkBuiltinHooks: readonly BuiltinHook[] = [http2ServerHook, fastifyHook];

export const frameworkModuleHooks: readonly ModuleHook[] = [koaHook, honoHook, wsHook, graphqlHook, fastXmlParserHook, xml2jsHook, fastifyBusboyHook];
