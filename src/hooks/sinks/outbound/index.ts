// SSRF protection for outbound connections: the hooks, in the order they are installed.
// The socket hook (connect.ts) judges addresses for every client; the others tell it,
// through the steer they run the call in, which calls user input directs.
import type { BuiltinHook } from '../../types';
import { netConnectHook } from './connect';
import { fetchHook } from './fetch';
import { httpClientHook, httpsClientHook } from './http';
import { http2ClientHook } from './http2';

export const outboundBuiltinHooks: readonly BuiltinHook[] = [netConnectHook, httpClientHook, httpsClientHook, http2ClientHook, fetchHook];
