/**
 * The simulated seconds per wall second that `drill`, `up` and `status` accept for the local
 * world: the range in which the same drill gives the same outcome. Measured with the reference
 * plan on two busy cores (`npm run drill -- --scale N`): 200 (the default), 500, 1,000 and 2,000
 * all failed over within the objectives, but at 2,000 the world's own compute already showed as
 * 30 simulated seconds of Preflight, and at 5,000 and 10,000 the drill reported a false FAILED.
 * When the local world publishes the scales it honours (local/clock.ts), take them from there.
 */
export const WORLD_SCALE_RANGE = { min: 1, max: 1_000 } as const;
