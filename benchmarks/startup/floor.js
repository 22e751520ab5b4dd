'use strict';
// The floor arm of the start-up benchmark: loads the builtins rampart's start loaded on this
// Node line (STARTUP_FLOOR_BUILTINS, a JSON list the benchmark measured) and nothing else.
// Rampart patches them before the app's first line, because an ES module app's
// `import { request } from 'node:https'` would otherwise reach the unpatched functions on a
// line without an in-thread loader hook; what rampart costs above this arm is its own code.
for (const id of JSON.parse(process.env.STARTUP_FLOOR_BUILTINS || '[]')) require(`node:${id}`);
