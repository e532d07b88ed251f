import type { CliCommand } from './types';
import { command as validate } from './validate';
import { command as render } from './render';
import { command as revert } from './revert';
import { command as sandbox } from './sandbox';
import { command as rehearse } from './rehearse';
import { command as verify } from './verify';

/** Every command of `alloy-rollout`, in the order --help lists them: one line per command module. */
export const COMMANDS: readonly CliCommand[] = [validate, render, revert, sandbox, rehearse, verify];
