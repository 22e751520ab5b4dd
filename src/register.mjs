// `node --import rampart/register app.mjs`: installs import-in-the-middle's loader so ESM
// imports of hooked packages are instrumented, then starts rampart.
//
// Where module.registerHooks runs that loader correctly (src/esm-loader.ts), it is used in
// the app's thread: Node 26 deprecates module.register() (DEP0205). Older lines keep the
// off-thread module.register() loader. Either way only the packages rampart hooks are
// wrapped: off-thread, the agent's Hook() call sends their names over the message channel.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
// The start files come from the start pack when there is one (src/start-pack.ts).
const { requireStartFile, saveStartCache } = require('./start-pack.js');
const { inThreadLoaderSupported, registerInThreadLoader } = requireStartFile('esm-loader.js', undefined) ?? require('./esm-loader.js');
const { startFromPreload } = requireStartFile('preload.js', undefined) ?? require('./preload.js');

if (inThreadLoaderSupported()) {
  startFromPreload({ esm: true, inThreadLoader: true });
  registerInThreadLoader();
  saveStartCache();
} else {
  const { createAddHookMessageChannel } = require('import-in-the-middle');
  const { registerOptions, waitForAllMessagesAcknowledged } = createAddHookMessageChannel();
  register('import-in-the-middle/hook.mjs', import.meta.url, registerOptions);
  startFromPreload({ esm: true });
  saveStartCache();
  await waitForAllMessagesAcknowledged();
}
