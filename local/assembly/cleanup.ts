/**
 * What building a world has set up and must undo, in reverse order: on a failed build and on
 * close alike, so that neither leaves the environment, the clock or a temp folder behind.
 */
export interface Cleanup {
  add(undo: () => void): void;
  /** Runs every undo once, newest first; an undo that throws does not stop the others. */
  run(): void;
}

export function createCleanup(): Cleanup {
  const undos: (() => void)[] = [];
  return {
    add: (undo) => {
      undos.push(undo);
    },
    run: () => {
      for (const undo of undos.splice(0).reverse()) {
        try {
          undo();
        } catch {
          // Best effort: one failed undo must not keep the rest from running.
        }
      }
    },
  };
}
