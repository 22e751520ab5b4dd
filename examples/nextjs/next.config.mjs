// Keep rampart out of the server bundles: it must be the copy Node loads with
// `--require rampart/register` (and, in an app that enables it from instrumentation.js,
// the one that file imports).
// better-sqlite3 is on Next's own list of external packages already.
export default {
  serverExternalPackages: ['rampart'],
  images: { unoptimized: true },
};
