import { configBlocks } from './config-blocks';
import { discoveryComponents } from './discovery';
import { UNLISTED_COMPONENTS } from './known-components';
import { lokiComponents } from './loki';
import { otelcolComponents } from './otelcol';
import { prometheusComponents } from './prometheus';
import type { ComponentSpec } from './types';

/** Every component and top-level block the validator describes, by name. */
export const COMPONENTS: Readonly<Record<string, ComponentSpec>> = {
  ...configBlocks,
  ...discoveryComponents,
  ...lokiComponents,
  ...otelcolComponents,
  ...prometheusComponents,
};

/** Real Alloy components the table leaves out (described ones are removed from the list). */
export const UNLISTED: ReadonlySet<string> = new Set(
  [...UNLISTED_COMPONENTS].filter((name) => !(name in COMPONENTS)),
);

export * from './types';
export { STDLIB_FUNCTIONS, STDLIB_VALUES, DEPRECATED_FUNCTIONS, STDLIB_ROOTS } from './stdlib';
