import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { RolloutLogFormatter } from './log-formatter';
import { currentLogSink } from './log-sink';
import { maskSecrets } from './mask-secrets';

/** The `service` key of every line (also POWERTOOLS_SERVICE_NAME in the functions' environment). */
export const LOG_SERVICE_NAME = 'alloy-rollout';

/**
 * The Powertools Logger, printing to the current invocation's sink when one is set (the sandbox)
 * and to stdout otherwise (Lambda). `printLog` and `createLogger` are the extension points the
 * Logger documents for subclasses (node_modules/@aws-lambda-powertools/logger/lib/cjs/Logger.d.ts:
 * both `protected`; createChild builds children through createLogger).
 */
export class RolloutLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    const sink = currentLogSink();
    if (!sink) return super.printLog(logLevel, log);
    // The same serialisation as Logger.printLog (Logger.js: JSON.stringify with getJsonReplacer()),
    // so the masking replacer applies to sunk lines too.
    log.prepareForPrint();
    sink(JSON.stringify(log.getAttributes(), this.getJsonReplacer()));
  }

  protected override createLogger(options?: ConstructorOptions): RolloutLogger {
    return new RolloutLogger(options);
  }
}

let root: RolloutLogger | undefined;

/**
 * The one Logger of the Lambdas, made on first use (importing this module reads no environment).
 * The level is not passed, so Powertools takes it from the environment: AWS_LAMBDA_LOG_LEVEL (the
 * function's advanced logging control) first, then POWERTOOLS_LOG_LEVEL (or LOG_LEVEL), else INFO
 * (Logger.js setOptions/setInitialLogLevel).
 */
export function rolloutLogger(): RolloutLogger {
  root ??= new RolloutLogger({
    serviceName: LOG_SERVICE_NAME,
    logFormatter: new RolloutLogFormatter(),
    jsonReplacerFn: maskSecrets,
  });
  return root;
}
