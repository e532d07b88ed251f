import type { ActionIO } from '../../action/src/types';

/** The Action's IO on a terminal: what a user would see in the job log, plus the summary kept aside. */
export function consoleActionIo(
  write: (text: string) => void,
): ActionIO & { readonly summary: string[]; readonly outputs: Map<string, string> } {
  let depth = 0;
  const summary: string[] = [];
  const outputs = new Map<string, string>();
  const line = (text: string) => write(`${'  '.repeat(depth)}${text}\n`);
  return {
    summary,
    outputs,
    info: (message) => line(message),
    warning: (message, a) => line(`warning${a?.title ? ` (${a.title})` : ''}: ${message}`),
    error: (message, a) => line(`error${a?.title ? ` (${a.title})` : ''}: ${message}`),
    startGroup: (name) => {
      line(`▸ ${name}`);
      depth = 1;
    },
    endGroup: () => {
      depth = 0;
    },
    setOutput: (name, value) => void outputs.set(name, value),
    appendSummary: async (markdown) => {
      summary.push(markdown);
    },
  };
}
