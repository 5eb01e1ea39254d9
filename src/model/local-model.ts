import type { LanguageModel } from 'ai'
import { LocalModelUnavailableError } from './errors.ts'

/**
 * Local GGUF models through node-llama-cpp, an optional dependency loaded only
 * when a `llama-cpp` provider is used, so that nobody else pays for its
 * native binaries.
 */
export async function loadLocalModel(modelPath: string): Promise<LanguageModel> {
  const moduleName = 'node-llama-cpp'
  try {
    await import(moduleName)
  } catch (error) {
    throw new LocalModelUnavailableError(`it is not installed (${(error as Error).message.split('\n')[0]})`)
  }
  // The package is present, but Colony has no adapter for it yet: say so plainly rather than guess.
  throw new LocalModelUnavailableError(`node-llama-cpp is installed, but Colony cannot drive ${modelPath} through it yet; serve the model with llama.cpp's llama-server and declare it as an "openai-compatible" provider`)
}
