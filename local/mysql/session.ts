import { CANARY_SCHEMA } from '../../plan/names.ts';
import type { RsaKeys } from './auth-crypto.ts';
import { Authentication, type AuthStep } from './authentication.ts';
import { COMMAND } from './constants.ts';
import { MySqlError, packetsOutOfOrder, unknownCommand, unknownDatabase } from './errors.ts';
import type { EndpointObserver, Serving } from './events.ts';
import { executeStatement, type Outcome } from './execute.ts';
import { greetingPayload, type HandshakeResponse, parseHandshakeResponse } from './handshake.ts';
import { framePacket, type Packet } from './packets.ts';
import { errPayload, okPayload, resultSetPayloads } from './responses.ts';
import { parseStatement } from './statements.ts';
import type { HeartbeatStore } from './store.ts';
import type { AuthPlugin, MySqlUsers } from './users.ts';

/**
 * One client connection's protocol state, without I/O: packets in, framed bytes out, and what
 * to do with the socket next. Connection phase (greeting, HandshakeResponse41, the auth
 * exchange, OK), then the command phase, one command at a time. Sequence ids follow the
 * protocol (each exchange counts up from the client's packet; a command starts at 0); a packet
 * out of order or malformed ends the connection with an ERR, as mysqld does.
 */
export interface SessionOptions {
  connectionId: number;
  serverVersion: string;
  defaultPlugin: AuthPlugin;
  nonce: Buffer;
  users: MySqlUsers;
  store: HeartbeatStore;
  clock: { now(): number };
  serving: () => Serving;
  sha2Cache: Map<string, Buffer>;
  rsa: RsaKeys;
  clientHost: string;
  observe: EndpointObserver;
}

export interface SessionOutput {
  frames: Buffer[];
  /** continue: keep reading; end: close after the frames; reset: drop the connection (RST). */
  next: 'continue' | 'end' | 'reset';
}

type Phase = 'handshake' | 'authenticating' | 'command' | 'closed';

export class Session {
  private phase: Phase = 'handshake';
  /** The sequence id the client's next packet must carry in the connection phase. */
  private expected = 1;
  private response: HandshakeResponse | undefined;
  private database: string | undefined;
  private readonly authentication: Authentication;

  constructor(private readonly options: SessionOptions) {
    this.authentication = new Authentication(options);
  }

  greeting(): Buffer {
    const { serverVersion, connectionId, nonce, defaultPlugin } = this.options;
    return framePacket(0, greetingPayload({ serverVersion, connectionId, nonce, authPlugin: defaultPlugin }));
  }

  receive(packet: Packet): SessionOutput {
    if (this.phase === 'closed') return { frames: [], next: 'end' };
    const serving = this.options.serving();
    if (serving === 'down') return this.drop();
    try {
      if (this.phase === 'command') {
        if (packet.sequenceId !== 0) throw packetsOutOfOrder();
        return this.command(packet.payload, serving);
      }
      if (packet.sequenceId !== this.expected) throw packetsOutOfOrder();
      if (this.phase === 'handshake') {
        this.response = parseHandshakeResponse(packet.payload);
        return this.authStep(this.authentication.start(this.response), packet.sequenceId);
      }
      return this.authStep(this.authentication.continue(packet.payload), packet.sequenceId);
    } catch (error) {
      const failure = error instanceof MySqlError ? error : internalError(error);
      return this.fatal(failure, packet.sequenceId + 1);
    }
  }

  /** An oversized or otherwise unreadable packet from the framer. */
  fail(error: MySqlError, sequenceId: number): SessionOutput {
    return this.fatal(error, sequenceId + 1);
  }

  /** The instance went down under an open connection. */
  drop(): SessionOutput {
    this.phase = 'closed';
    this.options.observe({
      type: 'connection-dropped',
      connectionId: this.options.connectionId,
      serving: 'down',
    });
    return { frames: [], next: 'reset' };
  }

  private authStep(step: AuthStep, clientSequence: number): SessionOutput {
    if (step.kind === 'denied') return this.fatal(step.error, clientSequence + 1);
    const frames = step.replies.map((payload, index) => framePacket(clientSequence + 1 + index, payload));
    const next = clientSequence + 1 + frames.length;
    if (step.kind === 'continue') {
      this.phase = 'authenticating';
      this.expected = next;
      return { frames, next: 'continue' };
    }
    const database = this.response?.database;
    if (database !== undefined && !this.schemaExists(database)) {
      return { frames: [...frames, ...this.fatal(unknownDatabase(database), next).frames], next: 'end' };
    }
    this.database = database;
    this.phase = 'command';
    this.options.observe({
      type: 'authenticated',
      connectionId: this.options.connectionId,
      user: this.authentication.userName,
      plugin: this.authentication.accountPlugin,
      path: step.path,
    });
    return { frames: [...frames, framePacket(next, okPayload())], next: 'continue' };
  }

  private command(payload: Buffer, serving: Exclude<Serving, 'down'>): SessionOutput {
    const code = payload[0];
    const body = payload.subarray(1);
    switch (code) {
      case COMMAND.QUIT:
        this.phase = 'closed';
        return { frames: [], next: 'end' };
      case COMMAND.PING:
        return this.reply([okPayload()]);
      case COMMAND.INIT_DB: {
        const name = body.toString('utf8');
        if (!this.schemaExists(name)) return this.reply([errPayload(unknownDatabase(name))]);
        this.database = name;
        return this.reply([okPayload()]);
      }
      case COMMAND.QUERY:
        return this.query(body.toString('utf8'), serving);
      default:
        return this.reply([errPayload(unknownCommand(code ?? 0))]);
    }
  }

  private query(sql: string, serving: Exclude<Serving, 'down'>): SessionOutput {
    const statement = parseStatement(sql);
    const outcome: Outcome = executeStatement(statement, {
      store: this.options.store,
      now: this.options.clock.now(),
      writable: serving === 'up',
      database: this.database,
    });
    this.options.observe({
      type: 'statement',
      connectionId: this.options.connectionId,
      user: this.authentication.userName,
      kind: statement.kind,
      outcome: 'ok' in outcome ? 'ok' : 'resultSet' in outcome ? 'rows' : outcome.error.errno,
    });
    if ('ok' in outcome) return this.reply([okPayload(outcome.ok)]);
    if ('resultSet' in outcome) return this.reply(resultSetPayloads(outcome.resultSet));
    return this.reply([errPayload(outcome.error)]);
  }

  /** A command's response: sequence ids 1, 2, ... after the client's 0. */
  private reply(payloads: Buffer[]): SessionOutput {
    return { frames: payloads.map((payload, index) => framePacket(index + 1, payload)), next: 'continue' };
  }

  private fatal(error: MySqlError, sequenceId: number): SessionOutput {
    if (this.phase !== 'command') {
      this.options.observe({
        type: 'connection-failed',
        connectionId: this.options.connectionId,
        user: this.response?.user ?? '',
        errno: error.errno,
        message: error.message,
      });
    }
    this.phase = 'closed';
    return { frames: [framePacket(sequenceId & 0xff, errPayload(error))], next: 'end' };
  }

  private schemaExists(name: string): boolean {
    return name === CANARY_SCHEMA && this.options.store.hasSchema();
  }
}

/** A fault of the endpoint itself: the client gets ER_UNKNOWN_ERROR and the connection ends. */
function internalError(error: unknown): MySqlError {
  const message = error instanceof Error ? error.message : String(error);
  return new MySqlError(1105, 'ER_UNKNOWN_ERROR', 'HY000', `Unknown error: ${message}`, true);
}
