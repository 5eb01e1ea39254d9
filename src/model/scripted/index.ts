export { startScriptedServer, type ScriptedServer } from './server.ts'
export { loadScenario, scenarioSchema, scriptFromScenario, type Scenario, type Script, type ScriptedReply, type ScriptedRequest } from './script.ts'
export { scriptedLanguageModel } from './in-process-model.ts'
export { ScenarioFileError, ScriptedServerListenError } from './errors.ts'
