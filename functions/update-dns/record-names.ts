/**
 * Route 53 returns names with a trailing dot and in lowercase; the plan may write either form.
 * Comparisons go through this one normalisation.
 */
export function sameDnsName(a: string, b: string): boolean {
  return normaliseDnsName(a) === normaliseDnsName(b);
}

export function normaliseDnsName(name: string): string {
  const lower = name.trim().toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}
