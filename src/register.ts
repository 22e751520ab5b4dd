// `node --require rampart/register app.js`: starts rampart before the app's first line.
// Where module.registerHooks runs import-in-the-middle's loader, ES modules the app reaches
// (require(esm), import()) are instrumented as under --import (src/esm-loader.ts).
import { inThreadLoaderSupported, registerInThreadLoader } from './esm-loader';
import { startFromPreload } from './preload';

const inThread = inThreadLoaderSupported();
startFromPreload({ esm: inThread });
if (inThread) registerInThreadLoader();
