/** The sandbox's Loki: an in-memory store, a LogQL evaluator over Grafana's grammar, and the HTTP API. */
export { LokiStore, SINGLE_TENANT } from './store';
export type { LokiEntry, LokiStoreOptions, PushStream, StoredStream, StreamMatcher } from './store';
export { createLokiHandler } from './http/handler';
export { LokiFlusher } from './flush';
export type { LokiFaults, LokiHandler, LokiHandlerOptions } from './http/handler';
export { parseLogQL } from './logql/from-tree';
export { evaluateInstant, evaluateRange } from './logql/evaluate';
export type { InstantResult, RangeResult } from './logql/evaluate';
