// Keep rampart out of the server bundles: it must be the copy Node loads with
// `--require rampart/register`, and instrumentation.js loads the same one.
// better-sqlite3 is on Next's own list of external packages already.
export default {
  serverExternalPackages: ['rampart'],
  images: { unoptimized: true },
};
