import { existsSync } from 'node:fs'

export interface LocalModelStatus {
  modelPath: string
  fileFound: boolean
  /** Whether node-llama-cpp, the optional peer dependency, can be imported from here. */
  runtimeInstalled: boolean
}

/** What `colony models` reports for a llama-cpp provider, checked without loading anything. */
export function localModelStatus(modelPath: string): LocalModelStatus {
  let runtimeInstalled = true
  try {
    import.meta.resolve('node-llama-cpp')
  } catch {
    runtimeInstalled = false
  }
  return { modelPath, fileFound: existsSync(modelPath), runtimeInstalled }
}
