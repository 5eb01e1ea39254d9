export { configSchema, agentCliNames, type ColonyConfig, type AgentCliSpec } from './schema.ts'
export { loadConfig, parseConfig, defaultConfig, starterConfigText, configFileName } from './load-config.ts'
export { ConfigError } from './errors.ts'
export { branchNameProblem, maxBranchNameLength, type BranchNameProblem } from './branch-name.ts'
