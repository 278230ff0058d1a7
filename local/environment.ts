/** Sets process environment variables (and removes others); returns the function that restores them. */
export function setEnvironment(values: Record<string, string>, remove: readonly string[]): () => void {
  const previous = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(values)) {
    previous.set(name, process.env[name]);
    process.env[name] = value;
  }
  for (const name of remove) {
    previous.set(name, process.env[name]);
    delete process.env[name];
  }
  return () => {
    for (const [name, value] of previous) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
