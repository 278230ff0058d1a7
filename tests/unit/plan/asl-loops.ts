/** Just enough of an ASL state to walk a definition's nested states and its polling loops. */
export interface AslState {
  Type: string;
  Next?: string;
  Default?: string;
  Branches?: { States: Record<string, AslState> }[];
  ItemProcessor?: { States: Record<string, AslState> };
}

/** Every States map of a definition: the top level, each Parallel branch and each Map's processor. */
export function allStateMaps(states: Record<string, AslState>): Record<string, AslState>[] {
  return [
    states,
    ...Object.values(states).flatMap((state) => [
      ...(state.Branches ?? []).flatMap((branch) => allStateMaps(branch.States)),
      ...(state.ItemProcessor ? allStateMaps(state.ItemProcessor.States) : []),
    ]),
  ];
}

/** The states from a Wait around its loop back to it (Wait → Task → Choice, whose Default is the Wait). */
export function loopOf(states: Record<string, AslState>, wait: string): AslState[] {
  const loop: AslState[] = [];
  let name: string | undefined = wait;
  do {
    const state: AslState | undefined = name === undefined ? undefined : states[name];
    if (!state) throw new Error(`no state ${name}`);
    loop.push(state);
    name = state.Type === 'Choice' ? state.Default : state.Next;
  } while (name !== wait && loop.length < 10);
  return loop;
}
