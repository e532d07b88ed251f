import { tlsConfig } from './shared-blocks';
import { OTEL, opt, req, type ComponentSpec, type NestedBlockSpec } from './types';

const DOCS = 'https://grafana.com/docs/alloy/latest/reference/components/otelcol';

// OpenTelemetry blocks carry long, fast-changing argument lists: the table checks the arguments
// the reference examples use and leaves the others open.
const consumers = { type: { receivers: 'otelcol.Consumer' } } as const;

/** output-block.md */
const output: NestedBlockSpec = {
  required: true,
  attributes: { metrics: consumers, logs: consumers, traces: consumers },
};

/** otelcol-debug-metrics-block.md */
const debugMetrics: NestedBlockSpec = {
  attributes: { disable_high_cardinality_metrics: opt('bool'), level: opt('string') },
};

export const otelcolComponents: Readonly<Record<string, ComponentSpec>> = {
  'otelcol.exporter.loki': {
    doc: `${DOCS}/otelcol.exporter.loki/`,
    labelled: true,
    attributes: { forward_to: { type: { receivers: 'loki.LogsReceiver' }, required: true } },
    exports: { input: OTEL },
  },
  'otelcol.exporter.otlp': {
    doc: `${DOCS}/otelcol.exporter.otlp/`,
    labelled: true,
    attributes: { timeout: opt('duration') },
    blocks: {
      client: {
        required: true,
        open: true,
        attributes: { endpoint: req('string'), compression: opt('string'), headers: opt('map(string)') },
        blocks: { tls: tlsConfig },
      },
      sending_queue: { attributes: {}, open: true },
      retry_on_failure: {
        attributes: {
          enabled: opt('bool'),
          initial_interval: opt('duration'),
          randomization_factor: opt('number'),
          multiplier: opt('number'),
          max_interval: opt('duration'),
          max_elapsed_time: opt('duration'),
        },
      },
      debug_metrics: debugMetrics,
    },
    exports: { input: OTEL },
  },
  'otelcol.exporter.prometheus': {
    doc: `${DOCS}/otelcol.exporter.prometheus/`,
    labelled: true,
    attributes: {
      forward_to: { type: { receivers: 'storage.Appendable' }, required: true },
      add_metric_suffixes: opt('bool'),
      convert_classic_histograms_to_nhcb: opt('bool'),
      gc_frequency: opt('duration'),
      honor_metadata: opt('bool'),
      include_scope_info: opt('bool'),
      include_scope_labels: opt('bool'),
      include_target_info: opt('bool'),
      resource_to_telemetry_conversion: opt('bool'),
    },
    exports: { input: OTEL },
  },
  'otelcol.processor.batch': {
    doc: `${DOCS}/otelcol.processor.batch/`,
    labelled: true,
    attributes: {
      timeout: opt('duration'),
      send_batch_size: opt('number'),
      send_batch_max_size: opt('number'),
      metadata_keys: opt('list(string)'),
      metadata_cardinality_limit: opt('number'),
    },
    blocks: { output, debug_metrics: debugMetrics },
    exports: { input: OTEL },
  },
  'otelcol.receiver.otlp': {
    doc: `${DOCS}/otelcol.receiver.otlp/`,
    labelled: true,
    attributes: {},
    blocks: {
      grpc: {
        open: true,
        attributes: { endpoint: opt('string'), transport: opt('string'), include_metadata: opt('bool') },
      },
      http: {
        open: true,
        attributes: {
          endpoint: opt('string'),
          include_metadata: opt('bool'),
          compression_algorithms: opt('list(string)'),
          idle_timeout: opt('duration'),
          read_header_timeout: opt('duration'),
          write_timeout: opt('duration'),
        },
      },
      output,
      debug_metrics: debugMetrics,
    },
    exports: {},
  },
};
