export { buildRepoMap, type RepoMapOptions } from './build-repo-map.ts'
