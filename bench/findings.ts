/**
 * What the profiles showed where a target is missed, with before/after figures where
 * something was changed. Written by hand after profiling (`node --cpu-prof`); RESULTS.md
 * carries it below the figures of a full run.
 */
export const FINDINGS = `
(none yet)
`;
