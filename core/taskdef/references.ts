import type { ContainerDefinition } from './types';

/**
 * Ports an ADOT sidecar commonly serves on loopback (OTLP gRPC/HTTP, legacy OTLP, X-Ray UDP,
 * Zipkin, StatsD, health check). Alloy as rendered here serves none of them, so apps that send
 * there lose that data after the migration: we report them.
 */
export const COLLECTOR_PORTS = [4317, 4318, 55680, 55681, 55690, 2000, 9411, 8125, 13133] as const;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function hostnamePattern(name: string): RegExp {
  return new RegExp(`(^|[^A-Za-z0-9_.-])${escapeRegExp(name)}($|[^A-Za-z0-9_-])`);
}

/** Where a container's environment, entry point, command or health check names the collector. */
export function hostnameMentions(c: ContainerDefinition, collector: string): string[] {
  const pattern = hostnamePattern(collector);
  const found: string[] = [];
  for (const e of c.environment ?? []) {
    if (typeof e.value === 'string' && pattern.test(e.value))
      found.push(`environment ${e.name ?? '?'}=${JSON.stringify(e.value)}`);
  }
  const commandLike: Array<[string, unknown]> = [
    ['entryPoint', c.entryPoint],
    ['command', c.command],
    ['healthCheck.command', (c.healthCheck as { command?: unknown } | undefined)?.command],
  ];
  for (const [field, value] of commandLike) {
    if (Array.isArray(value) && value.some((part) => typeof part === 'string' && pattern.test(part)))
      found.push(field);
  }
  return found;
}

/** Environment values that send to a loopback port the collector served. */
export function loopbackPortMentions(c: ContainerDefinition, ports: ReadonlySet<number>): string[] {
  const found: string[] = [];
  const loopback = /(?:^|[^A-Za-z0-9.-])(?:127\.0\.0\.1|localhost):(\d{1,5})(?!\d)/g;
  for (const e of c.environment ?? []) {
    if (typeof e.value !== 'string') continue;
    for (const match of e.value.matchAll(loopback)) {
      if (ports.has(Number(match[1]))) {
        found.push(`environment ${e.name ?? '?'}=${JSON.stringify(e.value)} (port ${match[1]})`);
        break;
      }
    }
  }
  return found;
}

export function collectorPorts(adot: ContainerDefinition): Set<number> {
  const ports = new Set<number>(COLLECTOR_PORTS);
  for (const p of adot.portMappings ?? [])
    if (typeof p.containerPort === 'number') ports.add(p.containerPort);
  return ports;
}

/**
 * Removes `dependsOn` entries and `links` that point at the collector (registration would fail
 * on a dangling reference). A key whose list becomes empty is removed; revert restores the
 * baseline's lists.
 */
export function withoutCollectorReferences(c: ContainerDefinition, collector: string): ContainerDefinition {
  const out: ContainerDefinition = { ...c };
  if (c.dependsOn?.some((d) => d.containerName === collector)) {
    const kept = c.dependsOn.filter((d) => d.containerName !== collector);
    if (kept.length > 0) out.dependsOn = kept;
    else delete out.dependsOn;
  }
  if (c.links?.some((l) => linkTarget(l) === collector)) {
    const kept = c.links.filter((l) => linkTarget(l) !== collector);
    if (kept.length > 0) out.links = kept;
    else delete out.links;
  }
  return out;
}

/** A link is "name" or "name:alias". */
export function linkTarget(link: string): string {
  return link.split(':')[0] ?? link;
}
