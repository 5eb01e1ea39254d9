export { runProcess, spawnHelperPid, type ProcessRequest, type ProcessResult } from './spawner.ts'
