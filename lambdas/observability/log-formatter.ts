import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { now } from '../clock';

/**
 * Powertools' standard line (the keys of its PowertoolsLogFormatter: level, message, timestamp,
 * service, cold_start, function_*, xray_trace_id, then the extra keys), with the timestamp read
 * from lambdas/clock: on AWS that is the wall clock, as Powertools' own; in the sandbox it is the
 * simulated clock the decisions were made on, so a line's time matches the rest of the rehearsal.
 * (PowertoolsLogFormatter itself is not exported by the package's entry point.)
 */
export class RolloutLogFormatter extends LogFormatter {
  override formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const context = attributes.lambdaContext;
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(new Date(now())),
        service: attributes.serviceName,
        cold_start: context?.coldStart,
        function_arn: context?.invokedFunctionArn,
        function_memory_size: context?.memoryLimitInMB,
        function_name: context?.functionName,
        function_request_id: context?.awsRequestId,
        // Only when debug sampling is on (POWERTOOLS_LOGGER_SAMPLE_RATE): 0 says nothing.
        sampling_rate: attributes.sampleRateValue || undefined,
        xray_trace_id: attributes.xRayTraceId,
      },
    }).addAttributes(additional);
  }
}
