export { runProcess, spawnHelperPid, startProcess, type ProcessRequest, type ProcessResult, type StartedProcess, type StreamingRequest } from './spawner.ts'
