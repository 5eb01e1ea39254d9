import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { commandLine } from './github-cli.ts'

const execFileAsync = promisify(execFile)

describe('the gh command Colony prints for a person to run', () => {
  it('reaches the program with every argument exactly as given, whatever a goal holds', async () => {
    const args = ['--title', "Don't `rm -rf` $HOME; \"quote\" it", '--base', 'main', '--body-file', '/tmp/a b/run-1.md', '', 'plain-word_1.2:x']
    const line = commandLine('printf', ['%s\\n', ...args])
    const { stdout } = await execFileAsync('sh', ['-c', line])
    expect(stdout.split('\n').slice(0, -1)).toEqual(args)
    expect(commandLine('gh', ['pr', 'create', '--head', 'colony/run-1'])).toBe('gh pr create --head colony/run-1')
  })
})
