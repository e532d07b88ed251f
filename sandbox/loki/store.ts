import { InputInvalidError } from '../../core/errors';
import { formatLabels, isValidLabelName, normaliseLabels, type LabelSet } from './labels';

/** One log line: nanosecond timestamp, the line, and structured metadata when the pusher sent some. */
export type LokiEntry = readonly [tsNs: bigint, line: string, metadata?: LabelSet];

/** The push payload of `POST /loki/api/v1/push` (JSON form). */
export interface PushStream {
  stream: Record<string, string>;
  values: ([string, string] | [string, string, Record<string, string>])[];
}

export interface StoredStream {
  readonly labels: LabelSet;
  /** `{a="1", b="2"}`: the stream's identity. */
  readonly key: string;
  /** Sorted by timestamp; exact duplicates (same time and line) are dropped as Loki does. */
  readonly entries: LokiEntry[];
}

/** Anything that can say whether a label value is selected (built from a LogQL matcher). */
export interface StreamMatcher {
  readonly name: string;
  matches(value: string): boolean;
}

export interface LokiStoreOptions {
  /** Like Loki's `auth_enabled: true`: every request must name its tenant with X-Scope-OrgID. */
  multiTenant?: boolean;
  /**
   * Loki 3 adds `service_name` to streams that lack it, from the first of its discovery labels
   * present, else `unknown_service`. On by default, as in Loki.
   */
  discoverServiceName?: boolean;
  /** Clock in epoch milliseconds, for the too-old/too-new checks. */
  now?: () => number;
}

/** The tenant Loki uses when authentication is off. */
export const SINGLE_TENANT = 'fake';

/** Loki 3's default `discover_service_name` list, in its order. */
const SERVICE_NAME_SOURCES = [
  'service',
  'app',
  'application',
  'app_name',
  'name',
  'app_kubernetes_io_name',
  'container',
  'container_name',
  'k8s_container_name',
  'component',
  'workload',
  'job',
  'k8s_job_name',
] as const;

/** Loki's defaults: reject_old_samples_max_age 1w, creation_grace_period 10m, max_line_size 256KB. */
const LIMITS = {
  maxAgeNs: 7n * 24n * 3600n * 1_000_000_000n,
  gracePeriodNs: 10n * 60n * 1_000_000_000n,
  maxLineBytes: 256 * 1024,
} as const;

/** Go's time.Time String() in UTC, which is what Loki prints in its timestamp errors. */
function goTime(tsNs: bigint): string {
  const ms = Number(tsNs / 1_000_000n);
  const iso = new Date(ms).toISOString();
  const frac = (tsNs % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}${frac ? `.${frac}` : ''} +0000 UTC`;
}

/** Binary insert (appending in order stays cheap); an exact duplicate is dropped. */
function insertSorted(entries: LokiEntry[], entry: LokiEntry): void {
  let lo = 0;
  let hi = entries.length;
  // Upper bound: entries with equal timestamps keep arrival order.
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((entries[mid] as LokiEntry)[0] <= entry[0]) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && (entries[i] as LokiEntry)[0] === entry[0]; i--) {
    if ((entries[i] as LokiEntry)[1] === entry[1]) return;
  }
  entries.splice(lo, 0, entry);
}

/** Index of the first entry with timestamp >= tsNs. */
export function lowerBound(entries: readonly LokiEntry[], tsNs: bigint): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((entries[mid] as LokiEntry)[0] < tsNs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * In-memory Loki ingester + index: streams per tenant, each keyed by its label set, entries kept
 * sorted. Out-of-order pushes are accepted and sorted in (Loki's default since 2.4).
 */
export class LokiStore {
  readonly multiTenant: boolean;
  private readonly discoverServiceName: boolean;
  private readonly now: () => number;
  private readonly tenants = new Map<string, Map<string, StoredStream>>();

  constructor(options: LokiStoreOptions = {}) {
    this.multiTenant = options.multiTenant ?? false;
    this.discoverServiceName = options.discoverServiceName ?? true;
    this.now = options.now ?? Date.now;
  }

  /**
   * Validates like Loki's distributor and stores what is valid. Invalid entries are reported
   * together in one InputInvalidError (status 400) after the valid ones were stored, as Loki does.
   */
  push(streams: readonly PushStream[], options: { tenant?: string } = {}): void {
    const tenant = options.tenant ?? SINGLE_TENANT;
    const problems: string[] = [];
    if (!Array.isArray(streams))
      throw new InputInvalidError('push: expected "streams" to be an array of {stream, values}', {
        status: 400,
      });
    const nowNs = BigInt(Math.floor(this.now())) * 1_000_000n;
    for (const [index, pushed] of streams.entries()) {
      const labels = this.streamLabels(pushed, index);
      const key = formatLabels(labels);
      if (!Array.isArray(pushed.values))
        throw new InputInvalidError(`push: streams[${index}].values must be an array of [timestamp, line]`, {
          status: 400,
        });
      for (const [at, value] of pushed.values.entries()) {
        const entry = this.parseEntry(value, index, at);
        const problem = this.checkEntry(entry, key, nowNs);
        if (problem) {
          problems.push(problem);
          continue;
        }
        insertSorted(this.streamFor(tenant, labels, key).entries, entry);
      }
    }
    if (problems.length > 0)
      throw new InputInvalidError(problems.join('\n'), { status: 400, rejected: problems.length });
  }

  /** Streams of a tenant whose labels satisfy every matcher. */
  select(tenant: string, matchers: readonly StreamMatcher[]): StoredStream[] {
    const streams = this.tenants.get(tenant);
    if (!streams) return [];
    return [...streams.values()].filter((stream) =>
      matchers.every((m) => m.matches(stream.labels[m.name] ?? '')),
    );
  }

  /** Streams with at least one entry in [fromNs, toNs]. */
  active(
    tenant: string,
    fromNs: bigint,
    toNs: bigint,
    matchers: readonly StreamMatcher[] = [],
  ): StoredStream[] {
    return this.select(tenant, matchers).filter((stream) => {
      const i = lowerBound(stream.entries, fromNs);
      const entry = stream.entries[i];
      return entry !== undefined && entry[0] <= toNs;
    });
  }

  /** The tenants that have streams (the flush walks each one). */
  tenantIds(): string[] {
    return [...this.tenants.keys()];
  }

  /** Forget everything (between sandbox scenarios). */
  clear(): void {
    this.tenants.clear();
  }

  private streamLabels(pushed: PushStream, index: number): LabelSet {
    const raw = pushed?.stream;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      throw new InputInvalidError(
        `push: streams[${index}].stream must be an object of label names to string values`,
        { status: 400 },
      );
    }
    for (const [name, value] of Object.entries(raw)) {
      if (typeof value !== 'string') {
        throw new InputInvalidError(
          `push: streams[${index}].stream label ${JSON.stringify(name)} must have a string value`,
          { status: 400 },
        );
      }
      if (!isValidLabelName(name)) {
        throw new InputInvalidError(
          `Error parsing labels '${formatLabels(raw)}' with error: invalid label name ${JSON.stringify(name)} (expected [a-zA-Z_][a-zA-Z0-9_]*)`,
          { status: 400 },
        );
      }
    }
    let labels = normaliseLabels(raw);
    if (Object.keys(labels).length === 0)
      throw new InputInvalidError('error at least one label pair is required per stream', { status: 400 });
    if (this.discoverServiceName && labels['service_name'] === undefined) {
      const source = SERVICE_NAME_SOURCES.find((name) => labels[name] !== undefined);
      labels = normaliseLabels({
        ...labels,
        service_name: source ? (labels[source] as string) : 'unknown_service',
      });
    }
    return labels;
  }

  private parseEntry(value: unknown, stream: number, at: number): LokiEntry {
    const where = `streams[${stream}].values[${at}]`;
    if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
      throw new InputInvalidError(
        `push: ${where} must be ["<unix epoch in nanoseconds>", "<log line>"] with optional structured metadata`,
        { status: 400 },
      );
    }
    const [ts, line, metadata] = value as unknown[];
    if (typeof ts !== 'string' || !/^-?\d+$/.test(ts)) {
      throw new InputInvalidError(
        `push: ${where}[0] must be a string of integer nanoseconds since the epoch, got ${JSON.stringify(ts)}`,
        { status: 400 },
      );
    }
    if (typeof line !== 'string')
      throw new InputInvalidError(`push: ${where}[1] must be the log line as a string`, { status: 400 });
    if (metadata === undefined) return [BigInt(ts), line];
    if (
      metadata === null ||
      typeof metadata !== 'object' ||
      Array.isArray(metadata) ||
      Object.values(metadata).some((v) => typeof v !== 'string')
    ) {
      throw new InputInvalidError(
        `push: ${where}[2] (structured metadata) must be an object of string values`,
        { status: 400 },
      );
    }
    return [BigInt(ts), line, normaliseLabels(metadata as Record<string, string>)];
  }

  private checkEntry(entry: LokiEntry, key: string, nowNs: bigint): string | null {
    const [ts, line] = entry;
    if (ts < nowNs - LIMITS.maxAgeNs) {
      return `entry for stream '${key}' has timestamp too old: ${goTime(ts)}, oldest acceptable timestamp is: ${goTime(nowNs - LIMITS.maxAgeNs)}`;
    }
    if (ts > nowNs + LIMITS.gracePeriodNs)
      return `entry for stream '${key}' has timestamp too new: ${goTime(ts)}`;
    const bytes = Buffer.byteLength(line, 'utf8');
    if (bytes > LIMITS.maxLineBytes) {
      return `Max entry size '${LIMITS.maxLineBytes}' bytes exceeded for stream '${key}' while adding an entry with length '${bytes}' bytes`;
    }
    return null;
  }

  private streamFor(tenant: string, labels: LabelSet, key: string): StoredStream {
    let streams = this.tenants.get(tenant);
    if (!streams) {
      streams = new Map();
      this.tenants.set(tenant, streams);
    }
    let stream = streams.get(key);
    if (!stream) {
      stream = { labels, key, entries: [] };
      streams.set(key, stream);
    }
    return stream;
  }
}
