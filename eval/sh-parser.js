'use strict';
// mvdan/sh's POSIX parser, through the sh-syntax package (Go compiled to WebAssembly).
//
// sh-syntax compiles and instantiates a fresh Go runtime for every call (15-30 ms). The
// evaluation parses thousands of scripts, so this compiles the module once, keeps an
// instance for a few hundred calls and calls its exported `process` function directly,
// with the same arguments sh-syntax passes. If that fast path does not give the expected
// tree for a known script (a different sh-syntax version, say), the public parse() is used.

const fs = require('node:fs');
const path = require('node:path');

const POSIX = 2; // LangVariant.LangPOSIX in sh-syntax 0.7 (mvdan/sh 3.13 bit flags)

let sh;
let fast;
let slow;
let loadError;

async function init() {
  try {
    sh = require('sh-syntax');
  } catch (e) {
    loadError = `sh-syntax unavailable (${e.message})`;
    return loadError;
  }
  const variant = sh.LangVariant?.LangPOSIX ?? POSIX;
  slow = (text) => sh.parse(text, { variant });
  try {
    const wasmPath = path.join(path.dirname(require.resolve('sh-syntax')), '..', 'main.wasm');
    const module = await WebAssembly.compile(fs.readFileSync(wasmPath));
    if (typeof sh.getProcessor === 'function') {
      // Public API, compiled once: a new Go instance per call, but no recompilation.
      const processor = sh.getProcessor((imports) => WebAssembly.instantiate(module, imports));
      slow = (text) => processor(text, { variant });
    }
    fast = fastParser(module, variant);
    // Check the fast path reads this sh-syntax build the way its own parse() does.
    const f = await fast('a > b; c');
    const broken = await settle(() => fast('x "unterminated'));
    if (f.Stmts.length !== 2 || f.Stmts[0].Redirs[0]?.Op !== '>' || f.Stmts[0].Redirs[0].Word.Lit !== 'b' || !broken.err) {
      throw new Error('unexpected syntax tree');
    }
  } catch {
    fast = undefined;
  }
  return undefined;
}

async function settle(fn) {
  try {
    return { ok: await fn() };
  } catch (e) {
    return { err: e.message };
  }
}

// The Go side allocates every result and nothing frees it, so an instance is replaced
// after this many calls (and after a trap) before its memory runs out.
const CALLS_PER_INSTANCE = 300;

function fastParser(module, variant) {
  if (typeof globalThis.Go !== 'function') throw new Error('Go runtime shim not loaded');
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  let inst;
  let calls = 0;
  const fresh = async () => {
    const go = new globalThis.Go();
    const instance = await WebAssembly.instantiate(module, go.importObject);
    void go.run(instance); // the Go program stays alive serving `process` calls
    calls = 0;
    return instance.exports;
  };
  const call = (ex, text) => {
    const { memory, wasmAlloc, wasmFree, process } = ex;
    const put = (bytes) => {
      const ptr = wasmAlloc(bytes.byteLength);
      new Uint8Array(memory.buffer).set(bytes, ptr);
      return ptr;
    };
    const src = enc.encode(text);
    const pf = put(new Uint8Array(0));
    const ps = put(src);
    const pt = put(new Uint8Array(0));
    // Same argument list as sh-syntax's processor: parse (print=false), keep comments,
    // variant, no stopAt, no error recovery, then printer options it ignores when parsing.
    const out = process(pf, 0, 0, ps, src.byteLength, src.byteLength, false, true, variant, pt, 0, 0, 0, false, 2, true, true, true, false, false, false, false);
    wasmFree(pf);
    wasmFree(ps);
    wasmFree(pt);
    const view = new Uint8Array(memory.buffer).subarray(out);
    return JSON.parse(dec.decode(view.subarray(0, view.indexOf(0))));
  };
  return async (text) => {
    let json;
    for (let attempt = 0; ; attempt++) {
      if (!inst || calls >= CALLS_PER_INSTANCE) inst = await fresh();
      calls++;
      try {
        json = call(inst, text);
        break;
      } catch (e) {
        inst = undefined; // a trapped instance is not reused
        if (attempt > 0) throw new Error(`parser crashed: ${e.message}`);
      }
    }
    if (json.parseError || json.message) throw new Error(json.parseError?.Text ?? json.message);
    return json.file;
  };
}

/** Parses `text` as a POSIX shell script: the syntax tree, or throws the parse error. */
async function parse(text) {
  if (fast) return fast(text);
  if (slow) return slow(text);
  throw new Error(loadError);
}

module.exports = {
  init,
  parse,
  fast: () => fast !== undefined,
  mode: () => (fast ? 'one instance per few hundred calls' : slow ? 'public API, one instance per call (slow)' : 'unavailable'),
};
