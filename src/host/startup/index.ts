/** Checks made before a process starts, and what it prints when it is ready. */
export { StartupProblem, CONFIGURATION_EXIT_CODE, withoutPassword } from './startup-problem';
export { checkConfiguration, type CheckedConfiguration } from './check-configuration';
export { portProblems, portProblem } from './check-ports';
export { databaseProblem } from './check-database';
export { readyLines } from './ready-lines';
export { devKeyProblem, devKeyLine } from './check-dev-keys';
