/** Progress goes to stderr: stdout carries exactly one JSON object, so it can be piped. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
