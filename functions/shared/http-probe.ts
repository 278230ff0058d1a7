import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * An HTTP health probe as a port: the cores take a `probe` function, so tests need no network.
 * Three outcomes, because "unknown" is neither healthy nor unhealthy: the endpoint answered
 * (with some status), the endpoint did not serve (refused, reset, timed out), or the probe could
 * not even be attempted from here (bad URL, a name this network cannot resolve).
 */
export type ProbeResult =
  | { outcome: 'response'; status: number }
  | { outcome: 'no-response'; reason: string }
  | { outcome: 'not-attempted'; reason: string };

export type HttpProbe = (url: string, timeoutMs: number) => Promise<ProbeResult>;

/** Sends one GET and resolves with the response's status code; rejects with the socket's error. */
export type StatusRequest = (target: URL, timeoutMs: number) => Promise<number>;

/** Name resolution failures say nothing about the endpoint: this side could not look it up. */
const NOT_ATTEMPTED_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

export function isHealthyResponse(result: ProbeResult): result is { outcome: 'response'; status: number } {
  return result.outcome === 'response' && result.status >= 200 && result.status <= 299;
}

export function describeProbe(result: ProbeResult): string {
  return result.outcome === 'response' ? `HTTP ${result.status}` : result.reason;
}

/**
 * node:http(s) rather than fetch: the SDK clients load node:https anyway, while the first use of
 * fetch loads Node's bundled undici (20-30 ms of a cold start; docs/performance.md, figure 4).
 * Redirects are not followed (node:http never does): a health URL that redirects, e.g. to a login
 * page, is not serving.
 */
export const requestStatus: StatusRequest = (target, timeoutMs) =>
  new Promise((resolve, reject) => {
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(target, {
      method: 'GET',
      headers: { 'user-agent': 'drctl-health-probe' },
      signal: AbortSignal.timeout(timeoutMs),
    });
    request.once('response', (response) => {
      // Only the status matters: close the connection rather than read the body.
      response.destroy();
      resolve(response.statusCode ?? 0);
    });
    // `on`, not `once`: a second error (the socket closing after an abort) must not go unhandled.
    request.on('error', reject);
    request.end();
  });

export function createHttpProbe(send: StatusRequest = requestStatus): HttpProbe {
  return async (url, timeoutMs) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { outcome: 'not-attempted', reason: `invalid URL ${JSON.stringify(url)}` };
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') {
      return { outcome: 'not-attempted', reason: `unsupported protocol ${target.protocol} in ${url}` };
    }
    try {
      return { outcome: 'response', status: await send(target, timeoutMs) };
    } catch (error) {
      const code = networkErrorCode(error);
      if (code !== undefined && NOT_ATTEMPTED_CODES.has(code)) {
        return { outcome: 'not-attempted', reason: `cannot resolve ${target.hostname} (${code})` };
      }
      if (code === 'TimeoutError' || code === 'AbortError') {
        return { outcome: 'no-response', reason: `no response from ${url} within ${timeoutMs} ms` };
      }
      return {
        outcome: 'no-response',
        reason: `${url}: ${code ?? (error as Error).message ?? 'request failed'}`,
      };
    }
  };
}

interface ErrorLike {
  name?: string;
  code?: string;
  errors?: ErrorLike[];
}

/** A socket error carries its code; a connection to several addresses fails with an AggregateError. */
function networkErrorCode(error: unknown): string | undefined {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return e.name;
  return e.code ?? e.errors?.[0]?.code;
}
