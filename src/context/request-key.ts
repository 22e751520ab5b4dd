// Where a request stream keeps the context rampart opened for it. A file of its own: the
// raw-body hook reads it on every chunk Node pushes, and must not load the context classes
// to learn that a stream has none (they load with the first request; lazy-context.ts).
export const CONTEXT_OF_REQUEST = Symbol('rampart.context');
