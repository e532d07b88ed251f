import { authorization, basicAuth, httpClient, many, oauth2, relabelRule, tlsConfig } from './shared-blocks';
import { FORWARD_LOGS, LOGS, opt, req, type ComponentSpec, type NestedBlockSpec } from './types';

const DOCS = 'https://grafana.com/docs/alloy/latest/reference/components/loki';

/** loki.write endpoint block (loki.write.md, "endpoint"). */
const lokiEndpoint: NestedBlockSpec = {
  repeatable: true,
  attributes: {
    url: req('string'),
    batch_size: opt('string'),
    batch_wait: opt('duration'),
    bearer_token: opt('secret'),
    bearer_token_file: opt('string'),
    enable_http2: opt('bool'),
    follow_redirects: opt('bool'),
    http_headers: opt('any'),
    headers: opt('map(string)'),
    max_backoff_period: opt('duration'),
    max_backoff_retries: opt('number'),
    min_backoff_period: opt('duration'),
    name: opt('string'),
    no_proxy: opt('string'),
    proxy_connect_header: opt('any'),
    proxy_from_environment: opt('bool'),
    proxy_url: opt('string'),
    remote_timeout: opt('duration'),
    retry_on_http_429: opt('bool'),
    tenant_id: opt('string'),
  },
  blocks: {
    authorization,
    basic_auth: basicAuth,
    oauth2,
    tls_config: tlsConfig,
    // Experimental in v1.18.1 (loki.write.md, "queue_config").
    queue_config: {
      attributes: {
        block_on_overflow: opt('bool'),
        capacity: opt('string'),
        drain_timeout: opt('duration'),
        min_shards: opt('number'),
      },
    },
  },
};

/** The stages of loki.process (loki.process.md, "Blocks"); stage.match nests stages again. */
const stages: Record<string, NestedBlockSpec> = {
  'stage.cri': {
    attributes: {
      max_partial_lines: opt('number'),
      max_partial_line_size: opt('number'),
      max_partial_line_size_truncate: opt('bool'),
    },
  },
  'stage.decolorize': { attributes: {} },
  'stage.docker': { attributes: {} },
  'stage.drop': {
    attributes: {
      source: opt('string'),
      separator: opt('string'),
      expression: opt('string'),
      value: opt('string'),
      older_than: opt('duration'),
      longer_than: opt('string'),
      drop_counter_reason: opt('string'),
    },
  },
  'stage.eventlogmessage': {
    attributes: { source: opt('string'), overwrite_existing: opt('bool'), drop_invalid_labels: opt('bool') },
  },
  'stage.geoip': {
    attributes: {
      db: req('string'),
      source: req('string'),
      db_type: opt('string'),
      custom_lookups: opt('map(string)'),
    },
  },
  'stage.json': {
    attributes: { expressions: req('map(string)'), source: opt('string'), drop_malformed: opt('bool') },
  },
  'stage.label_drop': { attributes: { values: opt('list(string)') } },
  'stage.label_keep': { attributes: { values: opt('list(string)') } },
  'stage.labels': { attributes: { values: opt('map(string)') } },
  'stage.limit': {
    attributes: {
      rate: req('number'),
      burst: req('number'),
      by_label_name: opt('string'),
      drop: opt('bool'),
      max_distinct_labels: opt('number'),
    },
  },
  'stage.logfmt': { attributes: { mapping: req('map(string)'), source: opt('string') } },
  'stage.luhn': {
    attributes: { min_length: opt('number'), replacement: opt('string'), source: opt('string') },
  },
  'stage.metrics': { attributes: {}, open: true },
  'stage.multiline': {
    attributes: {
      firstline: req('string'),
      max_lines: opt('number'),
      max_wait_time: opt('duration'),
      trim_newlines: opt('bool'),
    },
  },
  'stage.output': { attributes: { source: req('string') } },
  'stage.pack': { attributes: { labels: req('list(string)'), ingest_timestamp: opt('bool') } },
  'stage.regex': {
    attributes: { expression: req('string'), source: opt('string'), labels_from_groups: opt('bool') },
  },
  'stage.replace': {
    attributes: { expression: req('string'), source: opt('string'), replace: opt('string') },
  },
  'stage.sampling': { attributes: { rate: req('number'), drop_counter_reason: opt('string') } },
  'stage.static_labels': { attributes: { values: opt('map(string)') } },
  'stage.structured_metadata': { attributes: { values: opt('map(string)'), regex: opt('string') } },
  'stage.structured_metadata_drop': { attributes: { values: opt('list(string)') } },
  'stage.template': { attributes: { source: req('string'), template: req('string') } },
  'stage.tenant': { attributes: { label: opt('string'), source: opt('string'), value: opt('string') } },
  'stage.timestamp': {
    attributes: {
      source: req('string'),
      format: req('string'),
      fallback_formats: opt('list(string)'),
      location: opt('string'),
      action_on_failure: opt('string', ['skip', 'fudge']),
    },
  },
  'stage.truncate': { attributes: {}, open: true },
  'stage.windowsevent': {
    attributes: { source: opt('string'), overwrite_existing: opt('bool'), drop_invalid_labels: opt('bool') },
  },
};
stages['stage.match'] = {
  attributes: {
    selector: req('string'),
    pipeline_name: opt('string'),
    action: opt('string', ['keep', 'drop']),
    drop_counter_reason: opt('string'),
  },
  blocks: stages,
};
for (const name of Object.keys(stages)) stages[name] = many(stages[name] as NestedBlockSpec);

export const lokiComponents: Readonly<Record<string, ComponentSpec>> = {
  'loki.echo': { doc: `${DOCS}/loki.echo/`, labelled: true, attributes: {}, exports: { receiver: LOGS } },
  'loki.process': {
    doc: `${DOCS}/loki.process/`,
    labelled: true,
    attributes: { forward_to: FORWARD_LOGS },
    blocks: stages,
    exports: { receiver: LOGS },
  },
  'loki.relabel': {
    doc: `${DOCS}/loki.relabel/`,
    labelled: true,
    attributes: { forward_to: FORWARD_LOGS, max_cache_size: opt('number') },
    blocks: { rule: relabelRule },
    exports: { receiver: LOGS, rules: 'relabel-rules' },
  },
  'loki.source.docker': {
    doc: `${DOCS}/loki.source.docker/`,
    labelled: true,
    attributes: {
      host: req('string'),
      targets: req('targets'),
      forward_to: FORWARD_LOGS,
      // The reference table marks labels "required" with default {}; Alloy accepts it omitted
      // (v1.18.1 testdata/docker.alloy), so it is optional here.
      labels: opt('map(string)'),
      refresh_interval: opt('duration'),
      relabel_rules: opt('relabel-rules'),
    },
    // v1.18.1 calls the HTTP client block http_client_config (converter testdata docker.alloy).
    blocks: { http_client_config: httpClient },
    exports: {},
  },
  'loki.source.file': {
    doc: `${DOCS}/loki.source.file/`,
    labelled: true,
    attributes: {
      targets: req('targets'),
      forward_to: FORWARD_LOGS,
      encoding: opt('string'),
      legacy_positions_file: opt('string'),
      tail_from_end: opt('bool'),
    },
    blocks: {
      decompression: {
        attributes: { enabled: req('bool'), format: req('string'), initial_delay: opt('duration') },
      },
      file_watch: {
        attributes: { min_poll_frequency: opt('duration'), max_poll_frequency: opt('duration') },
      },
      file_match: { attributes: { enabled: opt('bool'), sync_period: opt('duration') } },
    },
    exports: {},
  },
  'loki.write': {
    doc: `${DOCS}/loki.write/`,
    labelled: true,
    attributes: { external_labels: opt('map(string)'), max_streams: opt('number') },
    blocks: {
      endpoint: lokiEndpoint,
      wal: {
        attributes: {
          enabled: opt('bool'),
          drain_timeout: opt('duration'),
          max_read_frequency: opt('duration'),
          max_segment_age: opt('duration'),
          min_read_frequency: opt('duration'),
        },
      },
    },
    exports: { receiver: LOGS },
  },
};
