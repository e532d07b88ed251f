import { opt, req, type AttributeSpec, type NestedBlockSpec } from './types';

// Shared blocks of the component reference, docs/sources/shared/reference/components/*.md
// (https://grafana.com/docs/alloy/latest/shared/reference/components/...).

/** basic-auth-block.md */
export const basicAuth: NestedBlockSpec = {
  attributes: { username: opt('string'), password: opt('secret'), password_file: opt('string') },
};

/** authorization-block.md */
export const authorization: NestedBlockSpec = {
  attributes: { type: opt('string'), credentials: opt('secret'), credentials_file: opt('string') },
};

/** tls-config-block.md */
export const tlsConfig: NestedBlockSpec = {
  attributes: {
    ca_pem: opt('string'),
    ca_file: opt('string'),
    cert_pem: opt('string'),
    cert_file: opt('string'),
    key_pem: opt('secret'),
    key_file: opt('string'),
    server_name: opt('string'),
    insecure_skip_verify: opt('bool'),
    min_version: opt('string'),
  },
};

/** oauth2-block.md */
export const oauth2: NestedBlockSpec = {
  attributes: {
    client_id: opt('string'),
    client_id_file: opt('string'),
    client_secret: opt('secret'),
    client_secret_file: opt('string'),
    endpoint_params: opt('map(string)'),
    no_proxy: opt('string'),
    proxy_connect_header: opt('any'),
    proxy_from_environment: opt('bool'),
    proxy_url: opt('string'),
    scopes: opt('list(string)'),
    token_url: opt('string'),
  },
  blocks: { tls_config: tlsConfig },
};

/** sigv4-block.md */
export const sigv4: NestedBlockSpec = {
  attributes: {
    region: opt('string'),
    access_key: opt('string'),
    secret_key: opt('secret'),
    profile: opt('string'),
    role_arn: opt('string'),
  },
};

/** http-client-config-block.md: the attributes every HTTP client block shares. */
export const httpClientAttributes: Readonly<Record<string, AttributeSpec>> = {
  bearer_token: opt('secret'),
  bearer_token_file: opt('string'),
  enable_http2: opt('bool'),
  follow_redirects: opt('bool'),
  http_headers: opt('any'),
  proxy_url: opt('string'),
  no_proxy: opt('string'),
  proxy_from_environment: opt('bool'),
  proxy_connect_header: opt('any'),
};

/** The blocks every HTTP client block shares (authorization, basic_auth, oauth2, tls_config). */
export const httpClientBlocks: Readonly<Record<string, NestedBlockSpec>> = {
  authorization,
  basic_auth: basicAuth,
  oauth2,
  tls_config: tlsConfig,
};

/** http-client-config-block.md as a nested block (client / http_client_config). */
export const httpClient: NestedBlockSpec = { attributes: httpClientAttributes, blocks: httpClientBlocks };

/** rule-block.md: relabelling rules of discovery.relabel, loki.relabel, prometheus.relabel. */
export const relabelRule: NestedBlockSpec = {
  repeatable: true,
  attributes: {
    action: opt('string', [
      'drop',
      'dropequal',
      'hashmod',
      'keep',
      'keepequal',
      'labeldrop',
      'labelkeep',
      'labelmap',
      'lowercase',
      'replace',
      'uppercase',
    ]),
    modulus: opt('number'),
    regex: opt('string'),
    replacement: opt('string'),
    separator: opt('string'),
    source_labels: opt('list(string)'),
    target_label: opt('string'),
  },
};

/** write_relabel_config.md: the same arguments as rule-block.md. */
export const writeRelabelConfig: NestedBlockSpec = relabelRule;

/** Required to have been given exactly once when listed: shortcut for nested blocks. */
export const once = (spec: NestedBlockSpec): NestedBlockSpec => ({ ...spec, repeatable: false });
export const many = (spec: NestedBlockSpec): NestedBlockSpec => ({ ...spec, repeatable: true });
export const required = (spec: NestedBlockSpec): NestedBlockSpec => ({ ...spec, required: true });
export { req };
