/** ANSI styling that disappears when the output is not a terminal (logs, CI, pipes). */
export interface Style {
  readonly tty: boolean;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const wrap = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

export function createStyle(tty: boolean): Style {
  if (!tty || process.env.NO_COLOR !== undefined) {
    const plain = (text: string) => text;
    return { tty, green: plain, red: plain, yellow: plain, dim: plain, bold: plain };
  }
  return {
    tty,
    green: wrap(32, 39),
    red: wrap(31, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}

/** Simulated time relative to the incident, as the progress lines show it: "T+03:12", "T-00:40". */
export function offsetLabel(seconds: number): string {
  const sign = seconds < 0 ? '-' : '+';
  const total = Math.round(Math.abs(seconds));
  const hours = Math.floor(total / 3600);
  const minutes = String(Math.floor((total % 3600) / 60)).padStart(2, '0');
  const rest = String(total % 60).padStart(2, '0');
  return hours > 0 ? `T${sign}${hours}:${minutes}:${rest}` : `T${sign}${minutes}:${rest}`;
}
