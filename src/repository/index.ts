export {
  findRepository,
  isInitialized,
  assertInitialized,
  prepareColonyDirectory,
  ensureTargetBranch,
  type RepositoryLayout,
} from './repository.ts'
export {
  NotAGitRepositoryError,
  NotInitializedError,
  RepositoryHasNoCommitsError,
  InvalidBranchNameError,
  UnknownRemoteError,
} from './errors.ts'
