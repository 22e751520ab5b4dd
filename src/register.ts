// `node --require rampart/register app.js`: starts rampart before the app's first line.
import { startFromPreload } from './preload';

startFromPreload({});
