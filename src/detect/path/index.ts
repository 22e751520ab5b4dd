// Path traversal detector: public surface.
export { detectPathTraversal, mayAffectPaths, PATH_RULES } from './detector';
export type { PathDetectOptions } from './detector';
export { normalizePosixPath, isWithinDir } from './normalize';
export { lenientPercentDecode, decodedVariants } from './decode';
