import { execFile, spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { inject } from 'vitest'

const execFileAsync = promisify(execFile)
/** The CLI bundled from src/ for this test run (test/support/bundle-cli-for-tests.ts). */
export const cliEntry = inject('colonyCli')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `colony ARGS` as a real child process in `cwd`. */
export function colony(cwd: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliEntry, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
  })
}

export async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { cwd })
  return stdout.trim()
}

/** A throwaway git repository with one commit on `main`. */
export async function createTempRepository(files: Record<string, string> = { 'README.md': '# sample\n' }): Promise<{ root: string; dispose(): Promise<void> }> {
  const root = await mkdtemp(join(tmpdir(), 'colony-repo-'))
  await git(root, ['init', '-q', '-b', 'main'])
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), content)
  }
  await git(root, ['add', '-A'])
  await git(root, ['commit', '-q', '-m', 'initial'])
  return { root, dispose: () => rm(root, { recursive: true, force: true }) }
}
