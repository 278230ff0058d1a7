/** SNS: "less than 100 characters", no line breaks or control characters. */
export const MAX_SUBJECT_CHARS = 99;

/** Printable ASCII only (email clients and SNS reject control characters), cut to fit. */
export function cleanSubject(text: string): string {
  const clean = text.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > MAX_SUBJECT_CHARS ? `${clean.slice(0, MAX_SUBJECT_CHARS - 3)}...` : clean;
}
