/**
 * vitest's global setup: bundles the CLI once per test run, as `npm run build`
 * does for users (scripts/bundle-cli.ts), into a directory of this run's own
 * inside the repository (its externals resolve from node_modules), and tells
 * the tests where (test/support/cli.ts). Every `colony` a test starts is the
 * bundle built from the src/ under test.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { TestProject } from 'vitest/node'
import { bundleCli } from '../../scripts/bundle-cli.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    colonyCli: string
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const directory = fileURLToPath(new URL(`../../node_modules/.cache/colony-cli/${process.pid}`, import.meta.url))
  await rm(directory, { recursive: true, force: true })
  await bundleCli(directory)
  project.provide('colonyCli', join(directory, 'main.js'))
  return () => rm(directory, { recursive: true, force: true })
}
