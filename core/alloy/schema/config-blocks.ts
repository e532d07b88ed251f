import { opt, type ComponentSpec } from './types';

const DOCS = 'https://grafana.com/docs/alloy/latest/reference/config-blocks';

/** Top-level configuration blocks: unlabelled, declared at most once. */
export const configBlocks: Readonly<Record<string, ComponentSpec>> = {
  logging: {
    doc: `${DOCS}/logging/`,
    labelled: false,
    attributes: {
      level: opt('string', ['debug', 'info', 'warn', 'error']),
      format: opt('string', ['logfmt', 'json']),
      write_to: { type: { receivers: 'loki.LogsReceiver' } },
    },
    exports: {},
  },
  livedebugging: {
    doc: `${DOCS}/livedebugging/`,
    labelled: false,
    attributes: { enabled: opt('bool') },
    exports: {},
  },
};
