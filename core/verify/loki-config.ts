import { parse } from 'yaml';
import { formatDuration } from '../plan/duration';
import { parseLokiDuration } from '../plan/loki-duration';
import type { Assessment } from './types';

/**
 * What Loki's `GET /config` gave: its effective configuration as YAML (docs/sources/reference/
 * loki-http-api.md, "GET /config": "exposes the current configuration", with secrets masked), or
 * the refusal (a 404 when a proxy does not route it, a 403 when it is withheld).
 */
export type LokiConfigRead =
  | { readonly query: string; readonly yaml: string }
  | { readonly query: string; readonly refused: { readonly status: number; readonly body: string } }
  | { readonly query: string; readonly error: string };

type Tree = Readonly<Record<string, unknown>>;

function at(tree: unknown, path: readonly string[]): unknown {
  let node = tree;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Tree)[key];
  }
  return node;
}

/** The document as a map, or the reason it is not one (so both checks say the same). */
function parseConfig(yaml: string): { tree: Tree } | { problem: string } {
  try {
    const tree: unknown = parse(yaml);
    if (tree === null || typeof tree !== 'object' || Array.isArray(tree))
      return { problem: 'Loki /config did not answer with a YAML mapping' };
    return { tree: tree as Tree };
  } catch (error) {
    return { problem: `Loki /config is not YAML: ${error instanceof Error ? error.message : String(error)}` };
  }
}

/** The same failure for both config checks when /config could not be read at all. */
function unreadable(
  name: string,
  read: Exclude<LokiConfigRead, { yaml: string }>,
  threshold: unknown,
  skipName: string,
): Assessment {
  if ('error' in read)
    return {
      name,
      verdict: 'error',
      message: `could not read Loki's configuration: ${read.error}`,
      evidence: { query: read.query, values: { error: read.error }, threshold },
    };
  return {
    name,
    verdict: 'failed',
    message:
      `Loki answered ${read.query} with HTTP ${read.refused.status}: its configuration cannot be checked. ` +
      `Expose /config to the orchestrator, or add "${skipName}" to loki.skipChecks in the plan`,
    evidence: {
      query: read.query,
      values: { status: read.refused.status, body: read.refused.body },
      threshold,
    },
  };
}

export interface RetentionInput {
  readonly read: LokiConfigRead;
  /** The plan's `loki.retention`, as written. */
  readonly retention: string;
}

/**
 * `loki-retention`: the compactor deletes old chunks only with `compactor.retention_enabled: true`
 * (docs/sources/operations/storage/retention.md: without it, `retention_period` is only kept in the
 * config), and `limits_config.retention_period` is the global period (0s = keep forever). Both
 * must hold, the period equal to the plan's as a duration (Loki prints "744h" as "31d").
 */
export function assessRetention(input: RetentionInput): Assessment {
  const name = 'loki-retention';
  const expectedMs = parseLokiDuration(input.retention);
  const threshold = {
    'compactor.retention_enabled': true,
    'limits_config.retention_period': input.retention,
  };
  const { read } = input;
  if (!('yaml' in read)) return unreadable(name, read, threshold, 'retention');
  const parsed = parseConfig(read.yaml);
  const query = read.query;
  if ('problem' in parsed)
    return { name, verdict: 'failed', message: parsed.problem, evidence: { query, threshold } };
  const enabled = at(parsed.tree, ['compactor', 'retention_enabled']);
  const period = at(parsed.tree, ['limits_config', 'retention_period']);
  const periodText = typeof period === 'string' || typeof period === 'number' ? String(period) : undefined;
  const periodMs = periodText === undefined ? null : parseLokiDuration(periodText);
  const values = {
    'compactor.retention_enabled': enabled ?? null,
    'limits_config.retention_period': periodText ?? null,
  };
  const evidence = { query, values, threshold };
  if (expectedMs === null)
    return {
      name,
      verdict: 'failed',
      message: `the plan's loki.retention ${JSON.stringify(input.retention)} is not a duration`,
      evidence,
    };
  const problems: string[] = [];
  if (enabled !== true)
    problems.push(
      `compactor.retention_enabled is ${JSON.stringify(enabled ?? null)}, expected true (without it Loki never deletes old chunks)`,
    );
  if (periodMs === null)
    problems.push(
      `limits_config.retention_period is ${JSON.stringify(periodText ?? null)}, expected ${input.retention}`,
    );
  else if (periodMs !== expectedMs)
    problems.push(
      `limits_config.retention_period is ${periodText} (${formatDuration(periodMs)}), expected ${input.retention} (${formatDuration(expectedMs)})`,
    );
  if (problems.length > 0) return { name, verdict: 'failed', message: problems.join('; '), evidence };
  return {
    name,
    verdict: 'passed',
    message: `retention enabled in the compactor, retention_period ${periodText} = plan's ${input.retention}`,
    evidence,
  };
}

export interface ObjectStoreInput {
  readonly read: LokiConfigRead;
  readonly bucket: string;
  /** Which schema period is active: the latest `from` not after this day. */
  readonly nowMs: number;
}

/** `s3://[key:secret@]region-or-endpoint/bucket`: the bucket is the URL's path (storage/chunk/client/aws). */
function bucketOfS3Url(url: unknown): string[] {
  if (typeof url !== 'string' || url === '') return [];
  const m = /^s3:\/\/(?:[^@/]*@)?[^/]*\/([^/?#]+)/.exec(url);
  return m ? [decodeURIComponent(m[1] as string)] : [];
}

/** `bucketnames` is a comma-separated list (Loki shards chunks over several buckets). */
function bucketsOf(section: unknown): string[] {
  const names = at(section, ['bucketnames']);
  const listed =
    typeof names === 'string'
      ? names
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : [];
  return [...listed, ...bucketOfS3Url(at(section, ['s3']))];
}

interface SchemaPeriod {
  readonly from: string;
  readonly objectStore: string;
}

function activePeriod(tree: Tree, nowMs: number): SchemaPeriod | undefined {
  const configs = at(tree, ['schema_config', 'configs']);
  if (!Array.isArray(configs)) return undefined;
  const today = new Date(nowMs).toISOString().slice(0, 10);
  const periods = configs
    .map((c): SchemaPeriod => {
      const from = at(c, ['from']);
      // YAML reads an unquoted 2024-01-01 as a string with the `yaml` package's core schema.
      const fromText = from instanceof Date ? from.toISOString().slice(0, 10) : String(from ?? '');
      return { from: fromText, objectStore: String(at(c, ['object_store']) ?? '') };
    })
    .filter((p) => p.from <= today)
    .sort((a, b) => a.from.localeCompare(b.from));
  return periods[periods.length - 1];
}

/** Loki's names for its S3 client: "s3" and "aws" (pkg/storage/config, StorageTypeS3/StorageTypeAWS). */
const S3_TYPES = new Set(['s3', 'aws']);

/**
 * `loki-object-store`: the schema period in force stores chunks in S3, and the bucket it writes to
 * is the plan's. Loki's effective config carries the bucket in `storage_config.aws` (which
 * `common.storage.s3` fills in) as `bucketnames` or an `s3://` URL; a named store
 * (`storage_config.named_stores.aws.<name>`) is used when the period names one.
 */
export function assessObjectStore(input: ObjectStoreInput): Assessment {
  const name = 'loki-object-store';
  const threshold = { objectStore: 's3', bucket: input.bucket };
  const { read } = input;
  if (!('yaml' in read)) return unreadable(name, read, threshold, 'object-store');
  const query = read.query;
  const parsed = parseConfig(read.yaml);
  if ('problem' in parsed)
    return { name, verdict: 'failed', message: parsed.problem, evidence: { query, threshold } };
  const period = activePeriod(parsed.tree, input.nowMs);
  const named =
    period && !S3_TYPES.has(period.objectStore)
      ? (at(parsed.tree, ['storage_config', 'named_stores', 'aws', period.objectStore]) ??
        at(parsed.tree, ['storage_config', 'named_stores', 's3', period.objectStore]))
      : undefined;
  const buckets = named
    ? bucketsOf(named)
    : [
        ...new Set([
          ...bucketsOf(at(parsed.tree, ['storage_config', 'aws'])),
          ...bucketsOf(at(parsed.tree, ['common', 'storage', 's3'])),
        ]),
      ];
  const values = {
    'schema_config.configs[active].from': period?.from ?? null,
    'schema_config.configs[active].object_store': period?.objectStore ?? null,
    buckets,
  };
  const evidence = { query, values, threshold };
  if (!period)
    return {
      name,
      verdict: 'failed',
      message: 'Loki /config has no schema_config period in force: cannot tell where chunks are stored',
      evidence,
    };
  if (!S3_TYPES.has(period.objectStore) && named === undefined)
    return {
      name,
      verdict: 'failed',
      message: `the schema period from ${period.from} stores chunks in "${period.objectStore}", expected s3`,
      evidence,
    };
  if (!buckets.includes(input.bucket))
    return {
      name,
      verdict: 'failed',
      message:
        buckets.length === 0
          ? `Loki's S3 storage names no bucket, expected ${input.bucket}`
          : `Loki stores chunks in ${buckets.join(', ')}, expected ${input.bucket}`,
      evidence,
    };
  return {
    name,
    verdict: 'passed',
    message: `chunks go to S3 bucket ${input.bucket} (schema period from ${period.from}, object_store ${period.objectStore})`,
    evidence,
  };
}
