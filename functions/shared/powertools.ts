import { Logger } from '@aws-lambda-powertools/logger';
import { Tracer } from '@aws-lambda-powertools/tracer';

/**
 * One logger and tracer per function module. The correlation id is the execution name, which the
 * state machine puts in every task input as `correlationId`; scheduled events carry their `id`.
 */
export const CORRELATION_ID_PATH = 'correlationId || id';

export function powertools(serviceName: string): { logger: Logger; tracer: Tracer } {
  return {
    logger: new Logger({ serviceName }),
    tracer: new Tracer({ serviceName, captureHTTPsRequests: false }),
  };
}
