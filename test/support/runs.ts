/**
 * How many runs a property makes, and how long its test may take: the figure each test states,
 * times `PROPERTY_RUNS_FACTOR` (1 unless set). Run the chaos properties at 10 times their count
 * once before landing a change to timing:
 * `PROPERTY_RUNS_FACTOR=10 npx vitest run test/properties.keepAlive.test.ts test/properties.clock.test.ts`.
 */
const FACTOR = Number(process.env.PROPERTY_RUNS_FACTOR ?? 1) || 1;

/** `count` runs, scaled by `PROPERTY_RUNS_FACTOR`. */
export const runs = (count: number): number => Math.max(1, Math.round(count * FACTOR));

/** A test's time limit of `ms`, scaled by `PROPERTY_RUNS_FACTOR`. */
export const timeLimitMs = (ms: number): number => Math.round(ms * Math.max(1, FACTOR));
