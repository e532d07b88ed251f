import {
  authorization,
  basicAuth,
  httpClientAttributes,
  oauth2,
  relabelRule,
  sigv4,
  tlsConfig,
  writeRelabelConfig,
} from './shared-blocks';
import { FORWARD_METRICS, METRICS, opt, req, type ComponentSpec, type NestedBlockSpec } from './types';

const DOCS = 'https://grafana.com/docs/alloy/latest/reference/components/prometheus';

/** prometheus.remote_write endpoint block (prometheus.remote_write.md, "endpoint"). */
const remoteWriteEndpoint: NestedBlockSpec = {
  repeatable: true,
  attributes: {
    url: req('string'),
    bearer_token: opt('secret'),
    bearer_token_file: opt('string'),
    enable_http2: opt('bool'),
    follow_redirects: opt('bool'),
    http_headers: opt('any'),
    headers: opt('map(string)'),
    name: opt('string'),
    no_proxy: opt('string'),
    protobuf_message: opt('string', ['prometheus.WriteRequest', 'io.prometheus.write.v2.Request']),
    proxy_connect_header: opt('any'),
    proxy_from_environment: opt('bool'),
    proxy_url: opt('string'),
    remote_timeout: opt('duration'),
    round_robin_dns: opt('bool'),
    send_exemplars: opt('bool'),
    send_native_histograms: opt('bool'),
  },
  blocks: {
    authorization,
    azuread: {
      attributes: { cloud: opt('string') },
      blocks: {
        managed_identity: { attributes: { client_id: opt('string') } },
        oauth: {
          attributes: { client_id: opt('string'), client_secret: opt('secret'), tenant_id: opt('string') },
        },
        sdk: { attributes: { tenant_id: opt('string') } },
        workload_identity: {
          attributes: { client_id: opt('string'), tenant_id: opt('string'), token_file_path: opt('string') },
        },
      },
    },
    basic_auth: basicAuth,
    google_iam: { attributes: { scopes: opt('list(string)') }, open: true },
    metadata_config: {
      attributes: { max_samples_per_send: opt('number'), send_interval: opt('duration'), send: opt('bool') },
    },
    oauth2,
    queue_config: {
      attributes: {
        batch_send_deadline: opt('duration'),
        capacity: opt('number'),
        max_backoff: opt('duration'),
        max_samples_per_send: opt('number'),
        max_shards: opt('number'),
        min_backoff: opt('duration'),
        min_shards: opt('number'),
        retry_on_http_429: opt('bool'),
        sample_age_limit: opt('duration'),
      },
    },
    sigv4,
    tls_config: tlsConfig,
    write_relabel_config: writeRelabelConfig,
  },
};

export const prometheusComponents: Readonly<Record<string, ComponentSpec>> = {
  'prometheus.exporter.self': {
    doc: `${DOCS}/prometheus.exporter.self/`,
    labelled: true,
    attributes: {},
    exports: { targets: 'targets' },
  },
  'prometheus.relabel': {
    doc: `${DOCS}/prometheus.relabel/`,
    labelled: true,
    attributes: { forward_to: FORWARD_METRICS, max_cache_size: opt('number') },
    blocks: { rule: relabelRule },
    exports: { receiver: METRICS, rules: 'relabel-rules' },
  },
  'prometheus.remote_write': {
    doc: `${DOCS}/prometheus.remote_write/`,
    labelled: true,
    attributes: { external_labels: opt('map(string)') },
    blocks: {
      endpoint: remoteWriteEndpoint,
      wal: {
        attributes: {
          truncate_frequency: opt('duration'),
          min_keepalive_time: opt('duration'),
          max_keepalive_time: opt('duration'),
        },
      },
    },
    exports: { receiver: METRICS },
  },
  'prometheus.scrape': {
    doc: `${DOCS}/prometheus.scrape/`,
    labelled: true,
    attributes: {
      ...httpClientAttributes,
      forward_to: FORWARD_METRICS,
      targets: req('targets'),
      body_size_limit: opt('number'),
      convert_classic_histograms_to_nhcb: opt('bool'),
      enable_compression: opt('bool'),
      enable_protobuf_negotiation: opt('bool'),
      extra_metrics: opt('bool'),
      honor_labels: opt('bool'),
      honor_timestamps: opt('bool'),
      honor_metadata: opt('bool'),
      job_name: opt('string'),
      label_limit: opt('number'),
      label_name_length_limit: opt('number'),
      label_value_length_limit: opt('number'),
      metric_name_escaping_scheme: opt('string'),
      metric_name_validation_scheme: opt('string'),
      metrics_path: opt('string'),
      native_histogram_bucket_limit: opt('number'),
      native_histogram_min_bucket_factor: opt('number'),
      params: opt('map(list(string))'),
      sample_limit: opt('number'),
      scheme: opt('string', ['http', 'https']),
      scrape_classic_histograms: opt('bool'),
      scrape_failure_log_file: opt('string'),
      scrape_fallback_protocol: opt('string'),
      scrape_interval: opt('duration'),
      scrape_native_histograms: opt('bool'),
      scrape_protocols: opt('list(string)'),
      scrape_timeout: opt('duration'),
      target_limit: opt('number'),
      track_timestamps_staleness: opt('bool'),
    },
    blocks: {
      authorization,
      basic_auth: basicAuth,
      oauth2,
      tls_config: tlsConfig,
      clustering: { attributes: { enabled: req('bool') } },
    },
    exports: {},
  },
};
