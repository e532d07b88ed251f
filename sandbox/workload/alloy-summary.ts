/**
 * What a simulated Alloy sidecar needs from its rendered config: which labels it attaches to each
 * log stream. Static labels are the literal `key = "value"` pairs the config sets (external labels
 * or relabel replacements); mapped labels are those it derives per container / task / line.
 */
export interface AlloyShipping {
  readonly staticLabels: Readonly<Record<string, string>>;
  readonly mapsContainerName: boolean;
  readonly mapsTaskId: boolean;
  /** `level` extracted from JSON lines and promoted to a label. */
  readonly mapsLevel: boolean;
  readonly tenant?: string;
}

/**
 * A conservative reading of a rendered config: labels appear only when the config declares them,
 * so a config that forgets `task_id` yields streams without it, as the real sidecar would.
 */
export function readAlloyShipping(config: string): AlloyShipping {
  const staticLabels: Record<string, string> = {};
  // Relabel rules writing a fixed value: rule { target_label = "x" replacement = "v" } (no source_labels).
  for (const rule of config.matchAll(/rule\s*\{([^{}]*)\}/g)) {
    const body = rule[1] ?? '';
    const target = /target_label\s*=\s*"([^"]+)"/.exec(body)?.[1];
    const replacement = /replacement\s*=\s*"([^"]*)"/.exec(body)?.[1];
    if (target && replacement !== undefined && !/source_labels/.test(body) && !target.startsWith('__')) staticLabels[target] = replacement;
  }
  // external_labels = { cluster = "x", service_name = "y" } and stage.static_labels { values = {...} }.
  for (const block of config.matchAll(/(?:external_labels|values)\s*=\s*\{([^{}]*)\}/g)) {
    for (const pair of (block[1] ?? '').matchAll(/"?([A-Za-z_][A-Za-z0-9_]*)"?\s*=\s*"([^"]*)"/g)) staticLabels[pair[1] as string] = pair[2] as string;
  }
  const targets = new Set([...config.matchAll(/target_label\s*=\s*"([^"]+)"/g)].map((m) => m[1]));
  const tenant = /tenant_id\s*=\s*"([^"]+)"/.exec(config)?.[1];
  return {
    staticLabels,
    mapsContainerName: targets.has('container_name'),
    mapsTaskId: targets.has('task_id'),
    mapsLevel: /stage\.labels[\s\S]*?level/.test(config),
    ...(tenant ? { tenant } : {}),
  };
}
