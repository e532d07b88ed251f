/**
 * Groups the bytes esbuild put in a bundle by the package they came from, so a large bundle names
 * its cause (e.g. an SDK client the handler never calls).
 */
export interface PackageBytes {
  readonly package: string;
  readonly bytes: number;
}

/** `node_modules/@scope/name/...` -> `@scope/name`; `node_modules/name/...` -> `name`; our files -> `(project) <top dir>`. */
export function packageOf(inputPath: string): string {
  const parts = inputPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at === -1) return `(project) ${parts[0] ?? inputPath}`;
  const first = parts[at + 1] ?? '';
  return first.startsWith('@') ? `${first}/${parts[at + 2] ?? ''}` : first;
}

export function bytesByPackage(
  inputs: Readonly<Record<string, { readonly bytesInOutput: number }>>,
  top = 8,
): PackageBytes[] {
  const totals = new Map<string, number>();
  for (const [file, { bytesInOutput }] of Object.entries(inputs)) {
    const name = packageOf(file);
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return [...totals]
    .map(([pkg, bytes]) => ({ package: pkg, bytes }))
    .filter((p) => p.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes || a.package.localeCompare(b.package))
    .slice(0, top);
}
