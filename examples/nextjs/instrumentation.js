// The other way to enable rampart: Next calls register() once per server process before it
// serves. Only in the Node.js runtime; the Edge runtime has no Node APIs to protect.
// Not needed when the server starts with NODE_OPTIONS='--require rampart/register' (npm start).
export async function register() {
  if (process.env.NEXT_RUNTIME === 'nodejs' && process.env.RAMPART_FROM_INSTRUMENTATION === '1') {
    await import('rampart/register');
  }
}
