/** The caught error as Step Functions passes it: `Error` is the name, `Cause` usually a JSON string. */
export interface CaughtError {
  Error: string;
  Cause?: string | undefined;
}

export interface FailureDescription {
  name: string;
  message: string;
}

/** Long causes (stack traces, huge payloads) are cut: the message must stay readable and small. */
const MAX_MESSAGE_CHARS = 2_000;

/** Lambda errors arrive as Cause = '{"errorType":"X","errorMessage":"...","trace":[...]}'; others as text. */
export function describeFailure(error: CaughtError): FailureDescription {
  const cause = error.Cause ?? '';
  let message = cause;
  try {
    const parsed: unknown = JSON.parse(cause);
    if (typeof parsed === 'object' && parsed !== null && 'errorMessage' in parsed) {
      message = String((parsed as { errorMessage: unknown }).errorMessage);
    }
  } catch {
    // Not JSON: the cause is plain text (e.g. a Fail state's Cause).
  }
  message = message.trim() || 'no details given';
  if (message.length > MAX_MESSAGE_CHARS) message = `${message.slice(0, MAX_MESSAGE_CHARS)}… [cut]`;
  return { name: error.Error, message };
}
