export { runChecks, type CommandRunner, type CheckResult, type ChecksOutcome, type RunChecksOptions } from './run-checks.ts'
export { firstBadCommit } from './bisect.ts'
export { createDeepGate, type DeepGate, type DeepGateOptions, type DeepGateReport } from './deep-gate.ts'
export { revertTask, type RevertTaskOptions } from './revert-task.ts'
