// A module loaded at its first use rather than at start-up (docs/performance.md,
// "Start-up"). The load is a synchronous require: the first call that needs a detector
// waits for it and is checked like every later one, so laziness never lets a call through.
import { contextStore } from './context/store';

/**
 * `load` runs once, at the first call; later calls return what it returned. It runs
 * outside any request context: require reads rampart's own files through the fs functions
 * rampart guards, and those reads are not the request's doing (judged against its inputs,
 * they would be checked, reported, or re-enter the very load in progress).
 */
export function lazily<T>(load: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= contextStore.exit(load));
}
