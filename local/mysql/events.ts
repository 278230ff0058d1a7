import type { AuthenticationPath } from './authentication.ts';
import type { Statement } from './statements.ts';

/**
 * What an endpoint reports to its observer (the world's RDS model may log or count them):
 * refused and dropped connections, authentications, every statement with its outcome.
 */
export type Serving = 'up' | 'down' | 'read-only';

export type EndpointEvent =
  | { type: 'connection-refused'; serving: 'down' }
  | { type: 'connection-dropped'; connectionId: number; serving: 'down' }
  | { type: 'authenticated'; connectionId: number; user: string; plugin: string; path: AuthenticationPath }
  | { type: 'connection-failed'; connectionId: number; user: string; errno: number; message: string }
  | {
      type: 'statement';
      connectionId: number;
      user: string;
      kind: Statement['kind'];
      /** 'ok' (OK packet), 'rows' (a result set) or the error number. */
      outcome: 'ok' | 'rows' | number;
    };

export type EndpointObserver = (event: EndpointEvent) => void;
