/**
 * An error as an AWS service returns it. `code` is the wire code the SDK maps to its modelled
 * exception (e.g. DBInstanceNotFound → DBInstanceNotFoundFault); `sender` is the awsQuery/restXml
 * `<Type>` (Sender for client faults, Receiver for server faults).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  readonly sender: boolean;
  constructor(code: string, message: string, status = 400, sender = status < 500) {
    super(message);
    this.name = 'AwsError';
    this.code = code;
    this.status = status;
    this.sender = sender;
  }
}

/** A fault that makes the server drop the connection, as an unreachable region does. */
export class ConnectionRefused extends Error {
  constructor(region: string) {
    super(`region ${region} is unreachable`);
    this.name = 'ConnectionRefused';
  }
}

export const missingParameter = (name: string) =>
  new AwsError('MissingParameter', `The request must contain the parameter ${name}`, 400);

export const validationError = (message: string) => new AwsError('ValidationError', message, 400);
