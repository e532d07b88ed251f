import { httpClient, httpClientAttributes, httpClientBlocks, relabelRule } from './shared-blocks';
import { opt, req, type ComponentSpec } from './types';

const DOCS = 'https://grafana.com/docs/alloy/latest/reference/components';

/** Targets from discovery, files on disk and remote content (discovery.*, local.*, remote.*). */
export const discoveryComponents: Readonly<Record<string, ComponentSpec>> = {
  'discovery.docker': {
    doc: `${DOCS}/discovery/discovery.docker/`,
    labelled: true,
    attributes: {
      ...httpClientAttributes,
      host: req('string'),
      host_networking_host: opt('string'),
      match_first_network: opt('bool'),
      port: opt('number'),
      refresh_interval: opt('duration'),
    },
    blocks: {
      ...httpClientBlocks,
      filter: { repeatable: true, attributes: { name: req('string'), values: req('list(string)') } },
    },
    exports: { targets: 'targets' },
  },
  'discovery.relabel': {
    doc: `${DOCS}/discovery/discovery.relabel/`,
    labelled: true,
    attributes: { targets: req('targets') },
    blocks: { rule: relabelRule },
    exports: { output: 'targets', rules: 'relabel-rules' },
  },
  'local.file': {
    doc: `${DOCS}/local/local.file/`,
    labelled: true,
    attributes: {
      filename: req('string'),
      detector: opt('string', ['fsnotify', 'poll']),
      poll_frequency: opt('duration'),
      is_secret: opt('bool'),
    },
    exports: { content: 'secret' },
  },
  'local.file_match': {
    doc: `${DOCS}/local/local.file_match/`,
    labelled: true,
    attributes: {
      path_targets: req('targets'),
      sync_period: opt('duration'),
      ignore_older_than: opt('duration'),
    },
    exports: { targets: 'targets' },
  },
  'remote.http': {
    doc: `${DOCS}/remote/remote.http/`,
    labelled: true,
    attributes: {
      url: req('string'),
      method: opt('string', ['GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'PATCH', 'OPTIONS']),
      headers: opt('map(string)'),
      body: opt('string'),
      poll_frequency: opt('duration'),
      poll_timeout: opt('duration'),
      is_secret: opt('bool'),
    },
    blocks: { client: httpClient },
    exports: { content: 'secret' },
  },
};
