export { loadConfig, type ConfigSources } from './load';
export { RampartConfigError } from './errors';
export { DEFAULT_CONFIG } from './defaults';
export * from './types';
