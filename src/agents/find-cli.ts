import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { delimiter, isAbsolute, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { AgentCli } from './agent-cli.ts'

const execFileAsync = promisify(execFile)

/** Colony's own node_modules/.bin: where a CLI installed beside Colony (npm i agent-colony @openai/codex) is. */
const colonyBin = fileURLToPath(new URL('../../node_modules/.bin', import.meta.url))

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The CLI's executable: the `command` colony.json gives (a path, or a name
 * looked up on PATH), else the CLI's usual name on PATH, then beside Colony.
 */
export function findCli(cli: AgentCli, command: string | undefined, environment: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = command ?? cli.command
  if (name.includes('/')) {
    const path = isAbsolute(name) ? name : resolve(name)
    return executable(path) ? path : undefined
  }
  const directories = [...(environment.PATH ?? '').split(delimiter).filter(Boolean), colonyBin]
  return directories.map((directory) => join(directory, name)).find(executable)
}

/** What `<cli> --version` says, as x.y.z; undefined when it does not run or says no version. */
export async function cliVersion(path: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync(path, ['--version'], { timeout: 30_000, env: { ...process.env, NO_COLOR: '1' } })
    return /\d+\.\d+\.\d+/.exec(stdout)?.[0]
  } catch {
    // A CLI that does not answer --version is reported as of unknown version; running it is what tells more.
    return undefined
  }
}
