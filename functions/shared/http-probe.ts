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

/** Name resolution failures say nothing about the endpoint: this side could not look it up. */
const NOT_ATTEMPTED_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN']);

export function isHealthyResponse(result: ProbeResult): result is { outcome: 'response'; status: number } {
  return result.outcome === 'response' && result.status >= 200 && result.status <= 299;
}

export function describeProbe(result: ProbeResult): string {
  return result.outcome === 'response' ? `HTTP ${result.status}` : result.reason;
}

export function createHttpProbe(fetchImpl: typeof fetch = fetch): HttpProbe {
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
      // Redirects are not followed: a health URL that redirects (e.g. to a login page) is not serving.
      const response = await fetchImpl(target, {
        method: 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: { 'user-agent': 'drctl-health-probe' },
      });
      // Release the connection; only the status matters.
      await response.body?.cancel().catch(() => undefined);
      return { outcome: 'response', status: response.status };
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
  cause?: ErrorLike & { errors?: ErrorLike[] };
}

/** fetch wraps socket errors as TypeError('fetch failed') with the system error as its cause. */
function networkErrorCode(error: unknown): string | undefined {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return e.name;
  return e.cause?.code ?? e.cause?.errors?.[0]?.code ?? e.code ?? e.cause?.name;
}
