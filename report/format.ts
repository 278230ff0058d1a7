/** Number and time formats shared by the report views (UTC everywhere: evidence must not depend on a locale). */

/** Seconds as written in figures: whole numbers stay whole, others keep one decimal. */
export function formatSecondsFigure(seconds: number): string {
  return Number.isInteger(seconds) ? String(seconds) : seconds.toFixed(1);
}

/** A human duration: "45 s", "7 min 30 s", "1 h 2 min". */
export function formatDuration(seconds: number): string {
  const total = Math.round(seconds);
  if (total < 60) return `${formatSecondsFigure(Math.round(seconds * 10) / 10)} s`;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = total % 60;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  return rest > 0 ? `${minutes} min ${rest} s` : `${minutes} min`;
}

/** Offset from the start of the timeline, as on the chart's axis: "+0:00", "+12:30", "+1:02:00". */
export function formatOffset(seconds: number): string {
  const total = Math.round(seconds);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const rest = String(total % 60).padStart(2, '0');
  return hours > 0 ? `+${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `+${minutes}:${rest}`;
}

/** "2026-11-22 11:04:05 UTC" from an ISO string with any offset. */
export function formatTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** Clock time only, for table cells: "11:04:05". */
export function formatClock(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toISOString().slice(11, 19);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** An SVG coordinate or length with at most one decimal ("12.5", "12"): small, stable markup. */
export function svgNumber(value: number): string {
  return value.toFixed(1).replace(/\.0$/, '');
}
