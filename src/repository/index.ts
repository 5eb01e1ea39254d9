export {
  findRepository,
  isInitialized,
  assertInitialized,
  prepareColonyDirectory,
  assertColonyDirectoryUsable,
  ensureTargetBranch,
  assertBranchName,
  assertTargetUsable,
  type RepositoryLayout,
} from './repository.ts'
export {
  NotAGitRepositoryError,
  NotInitializedError,
  RepositoryHasNoCommitsError,
  InvalidBranchNameError,
  UnknownRemoteError,
  BareRepositoryError,
  TargetBranchMissingError,
  TargetChangedError,
  TargetConflictError,
  ColonyDirectoryError,
} from './errors.ts'
