// `node --import rampart/register app.mjs`: registers import-in-the-middle's loader so ESM
// imports of hooked packages are instrumented, then starts rampart.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const { createAddHookMessageChannel } = require('import-in-the-middle');
const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
require('./preload.js').startFromPreload({ esm: true });
await waitForAllMessagesAcknowledged();
