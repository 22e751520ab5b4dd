// `node --require rampart/register app.js`: starts rampart before the app's first line.
// Where module.registerHooks runs import-in-the-middle's loader, ES modules the app reaches
// (require(esm), import()) are instrumented as under --import (src/esm-loader.ts).
// The start files come from the start pack when there is one (src/start-pack.ts).
import { requireStartFile, saveStartCache } from './start-pack';

const { inThreadLoaderSupported, registerInThreadLoader } = (requireStartFile('esm-loader.js', module) ?? require('./esm-loader')) as typeof import('./esm-loader');
const { startFromPreload } = (requireStartFile('preload.js', module) ?? require('./preload')) as typeof import('./preload');

const inThread = inThreadLoaderSupported();
startFromPreload({ esm: inThread, inThreadLoader: inThread });
if (inThread) registerInThreadLoader();
saveStartCache();
