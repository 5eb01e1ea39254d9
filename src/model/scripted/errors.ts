import { ColonyError } from '../../errors/index.ts'

/** A scenario file that cannot be served: missing, unreadable, not JSON, or not shaped as docs/scripted-model.md describes. */
export class ScenarioFileError extends ColonyError {
  override readonly name = 'ScenarioFileError'
  readonly file: string
  readonly problem: string

  constructor(file: string, problem: string, hint: string) {
    super(`the scenario file ${JSON.stringify(file)} ${problem}`, { hint })
    this.file = file
    this.problem = problem
  }
}

/** The scripted model server could not listen where it was asked to (the port is taken, or not allowed). */
export class ScriptedServerListenError extends ColonyError {
  override readonly name = 'ScriptedServerListenError'
  readonly port: number
  readonly code: string | undefined

  constructor(port: number, code: string | undefined, message: string) {
    super(
      code === 'EADDRINUSE' ? `port ${port} on 127.0.0.1 is already in use` : code === 'EACCES' ? `listening on port ${port} is not allowed here` : `the scripted model cannot listen on port ${port}: ${message}`,
      { hint: 'choose another --port, or leave --port out for any free port' },
    )
    this.port = port
    this.code = code
  }
}
