import { spawn, type ChildProcess } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { messageLimits } from '../../src/board/index.ts'
import { maxBodyBytes, maxEventLimit } from '../../src/server/index.ts'
import { memoryKinds } from '../../src/store/index.ts'
import { openStore } from '../../src/store/index.ts'
import { cliEntry, colony, createTempRepository } from '../support/cli.ts'
import { expectCleanFailure, repositoryState } from '../support/hostile.ts'

const token = 'hostile-test-token-0123456789'

/** One request the API must refuse, and how (docs/api.md). */
interface Refusal {
  name: string
  method?: string
  path: string
  /** The Authorization header; null sends none. Default: the right token. */
  authorization?: string | null
  headers?: Record<string, string>
  /** A string is sent as JSON unless headers say otherwise; `chunkedBytes` streams that many bytes of JSON without a Content-Length. */
  body?: string | Uint8Array<ArrayBuffer> | { chunkedBytes: number }
  status: 400 | 401 | 404 | 405 | 409 | 413 | 415
  /** Words the error (or its hint) must contain: it names the problem. */
  mentions: string | RegExp
}

const badIds = ['0', '-1', '1e3', 'abc', '99999999999999999999', '1.5', '07', '2147483648']
const json = (value: unknown) => JSON.stringify(value)
const { steeringLength, reasonLength } = messageLimits
const longReason = 'x'.repeat(reasonLength + 1)

/** Task 1 is ready, task 2 cancelled, agent 1 exists, command request 1 is decided; the run never started. */
const onAPendingRun: Refusal[] = [
  // The token: every /api route, the same answer whatever is wrong with it.
  { name: 'no token', path: '/api/status', authorization: null, status: 401, mentions: 'Authorization: Bearer' },
  { name: 'a wrong token', path: '/api/status', authorization: 'Bearer wrong', status: 401, mentions: 'token' },
  { name: 'a wrong token of the right length', path: '/api/tasks', authorization: `Bearer ${'x'.repeat(token.length)}`, status: 401, mentions: 'token' },
  { name: 'the token with more after it', path: '/api/tasks', authorization: `Bearer ${token}x`, status: 401, mentions: 'token' },
  { name: 'a prefix of the token', path: '/api/agents', authorization: `Bearer ${token.slice(0, -1)}`, status: 401, mentions: 'token' },
  { name: 'an empty bearer', path: '/api/approvals', authorization: 'Bearer ', status: 401, mentions: 'token' },
  { name: 'the token under another scheme', path: '/api/status', authorization: `Basic ${token}`, status: 401, mentions: 'Bearer scheme' },
  { name: 'the token in the query of a route other than the stream', path: `/api/status?token=${token}`, authorization: null, status: 401, mentions: '?token=' },
  { name: 'a wrong token in the event stream query', path: '/api/events/stream?token=wrong', authorization: null, status: 401, mentions: 'token' },
  { name: 'a control without a token', method: 'POST', path: '/api/pause', authorization: null, status: 401, mentions: 'token' },
  { name: 'a large steer without a token', method: 'POST', path: '/api/steer', authorization: null, body: json({ text: 'y'.repeat(200_000) }), status: 401, mentions: 'token' },
  { name: 'an unknown endpoint without a token (nothing about routes leaks)', path: '/api/secret-admin', authorization: null, status: 401, mentions: 'token' },

  // Methods and routes.
  { name: 'DELETE on a read', method: 'DELETE', path: '/api/status', status: 405, mentions: 'GET /api/status' },
  { name: 'GET on a control', path: '/api/pause', status: 405, mentions: 'POST /api/pause' },
  { name: 'PUT on a task', method: 'PUT', path: '/api/tasks/1', status: 405, mentions: 'GET /api/tasks/1' },
  { name: 'GET on a task control', path: '/api/tasks/1/approve', status: 405, mentions: 'POST /api/tasks/1/approve' },
  { name: "POST on a task's diff", method: 'POST', path: '/api/tasks/1/diff', status: 405, mentions: 'GET /api/tasks/1/diff' },
  { name: "a task's diff without a token", path: '/api/tasks/1/diff', authorization: null, status: 401, mentions: 'token' },
  { name: 'POST on the events', method: 'POST', path: '/api/events', status: 405, mentions: 'GET /api/events' },
  { name: 'PATCH on a command rejection', method: 'PATCH', path: '/api/approvals/1/reject', status: 405, mentions: 'POST' },
  { name: 'an unknown endpoint', path: '/api/nothing', status: 404, mentions: 'no such endpoint: GET /api/nothing' },
  { name: 'an unknown task action', method: 'POST', path: '/api/tasks/1/merge', status: 404, mentions: 'no such endpoint' },
  { name: 'a path below a task', path: '/api/tasks/1/events/2', status: 404, mentions: 'no such endpoint' },
  { name: 'an empty path segment', path: '/api/tasks//1', status: 404, mentions: 'no such endpoint' },
  { name: 'an unknown page outside the API', path: '/admin', authorization: null, status: 404, mentions: 'no such endpoint' },

  // Ids: positive decimal integers that fit the store, nothing else.
  ...badIds.map((id): Refusal => ({ name: `task id ${id}`, path: `/api/tasks/${id}`, status: 400, mentions: `got "${id.slice(0, 40)}` })),
  ...badIds.map((id): Refusal => ({ name: `cancel of task id ${id}`, method: 'POST', path: `/api/tasks/${id}/cancel`, body: json({ reason: 'hostile' }), status: 400, mentions: 'task id must be a whole number' })),
  ...badIds.map((id): Refusal => ({ name: `the diff of task id ${id}`, path: `/api/tasks/${id}/diff`, status: 400, mentions: `the task id must be a whole number from 1 to 2147483647, got "${id.slice(0, 40)}` })),
  { name: 'agent id abc', path: '/api/agents/abc/transcript', status: 400, mentions: 'agent id' },
  { name: 'agent id 0', path: '/api/agents/0/transcript', status: 400, mentions: 'agent id' },
  { name: 'approval id 1e3', method: 'POST', path: '/api/approvals/1e3/approve', status: 400, mentions: 'approval id' },
  { name: 'approval id -1', method: 'POST', path: '/api/approvals/-1/reject', body: json({ reason: 'no' }), status: 400, mentions: 'approval id' },
  { name: 'task id 1.5 on approve', method: 'POST', path: '/api/tasks/1.5/approve', status: 400, mentions: 'task id' },
  { name: 'task id 1e3 on retry', method: 'POST', path: '/api/tasks/1e3/retry', status: 400, mentions: 'task id' },

  // Ids that name nothing.
  { name: 'a task that does not exist', path: '/api/tasks/999', status: 404, mentions: 'no task with id 999' },
  { name: 'the largest id, naming nothing', path: '/api/tasks/2147483647', status: 404, mentions: 'no task' },
  { name: "an agent's transcript that does not exist", path: '/api/agents/999/transcript', status: 404, mentions: 'no agent with id 999' },
  { name: 'the diff of a task that does not exist', path: '/api/tasks/999/diff', status: 404, mentions: 'no task with id 999' },
  { name: 'approving a task that does not exist', method: 'POST', path: '/api/tasks/999/approve', status: 404, mentions: 'no task' },
  { name: 'retrying a task that does not exist', method: 'POST', path: '/api/tasks/999/retry', status: 404, mentions: 'no task' },
  { name: 'approving a command request that does not exist', method: 'POST', path: '/api/approvals/999/approve', status: 404, mentions: 'no approval request with id 999' },
  { name: 'rejecting a command request that does not exist', method: 'POST', path: '/api/approvals/999/reject', body: json({ reason: 'no' }), status: 404, mentions: 'no approval request' },

  // Not possible now.
  { name: 'approving a task that is not awaiting approval', method: 'POST', path: '/api/tasks/1/approve', status: 409, mentions: 'not awaiting approval' },
  { name: 'rejecting a task that is not awaiting approval', method: 'POST', path: '/api/tasks/1/reject', body: json({ reason: 'no' }), status: 409, mentions: 'not awaiting approval' },
  { name: 'retrying a ready task', method: 'POST', path: '/api/tasks/1/retry', status: 409, mentions: 'task 1 is ready' },
  { name: 'the diff of a task no worker has taken', path: '/api/tasks/1/diff', status: 409, mentions: 'task 1 is ready: no worker has taken it yet, so there is no change' },
  { name: 'the diff of a cancelled task', path: '/api/tasks/2/diff', status: 409, mentions: 'task 2 is cancelled: nothing of it landed' },
  { name: 'cancelling a cancelled task', method: 'POST', path: '/api/tasks/2/cancel', status: 409, mentions: 'task 2 is cancelled' },
  { name: 'approving a decided command request', method: 'POST', path: '/api/approvals/1/approve', status: 409, mentions: 'already approved' },
  { name: 'rejecting a decided command request', method: 'POST', path: '/api/approvals/1/reject', body: json({ reason: 'late' }), status: 409, mentions: 'already approved' },
  { name: 'resuming a run that never started', method: 'POST', path: '/api/resume', status: 409, mentions: 'run 1 is pending' },
  { name: 'pausing a run that never started', method: 'POST', path: '/api/pause', status: 409, mentions: 'run 1 is pending' },

  // Bodies: JSON objects with exactly the documented fields.
  { name: 'steer without text', method: 'POST', path: '/api/steer', body: json({}), status: 400, mentions: '"text" is required' },
  { name: 'steer with no body', method: 'POST', path: '/api/steer', status: 400, mentions: '"text" is required' },
  { name: 'steer with a number', method: 'POST', path: '/api/steer', body: json({ text: 5 }), status: 400, mentions: '"text" must be a string' },
  { name: 'steer with an object', method: 'POST', path: '/api/steer', body: json({ text: { toString: 'x' } }), status: 400, mentions: '"text" must be a string' },
  { name: 'steer with empty text', method: 'POST', path: '/api/steer', body: json({ text: '' }), status: 400, mentions: '"text" is empty' },
  { name: 'steer with blank text', method: 'POST', path: '/api/steer', body: json({ text: ' \n\t ' }), status: 400, mentions: '"text" is empty' },
  { name: 'steer with an extra field', method: 'POST', path: '/api/steer', body: json({ text: 'ok', actor: 'person' }), status: 400, mentions: 'unknown field "actor"' },
  { name: 'steer with an array body', method: 'POST', path: '/api/steer', body: json(['ok']), status: 400, mentions: 'must be a JSON object' },
  { name: 'steer with a null body', method: 'POST', path: '/api/steer', body: 'null', status: 400, mentions: 'must be a JSON object' },
  { name: 'steer with a JSON string body', method: 'POST', path: '/api/steer', body: json('ok'), status: 400, mentions: 'must be a JSON object' },
  { name: 'steer with a body that is not JSON', method: 'POST', path: '/api/steer', body: 'text=ok', status: 400, mentions: 'not valid JSON' },
  { name: 'steer with truncated JSON', method: 'POST', path: '/api/steer', body: '{"text": "ok"', status: 400, mentions: 'not valid JSON' },
  { name: 'steer sent as text/plain', method: 'POST', path: '/api/steer', headers: { 'content-type': 'text/plain' }, body: json({ text: 'ok' }), status: 415, mentions: 'application/json' },
  { name: 'steer sent as a form', method: 'POST', path: '/api/steer', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'text=ok', status: 415, mentions: 'application/json' },
  { name: 'steer sent with no content type', method: 'POST', path: '/api/steer', body: new TextEncoder().encode(json({ text: 'ok' })), status: 415, mentions: 'no Content-Type' },
  { name: `steer of ${steeringLength + 1} characters`, method: 'POST', path: '/api/steer', body: json({ text: 'x'.repeat(steeringLength + 1) }), status: 400, mentions: `at most ${steeringLength}` },
  { name: 'steer with a terminal escape', method: 'POST', path: '/api/steer', body: json({ text: 'hi \u001b[2J\u001b[Hall clear' }), status: 400, mentions: 'control character' },
  { name: 'steer with a bell', method: 'POST', path: '/api/steer', body: json({ text: 'ring \u0007 ring' }), status: 400, mentions: 'control character' },
  { name: 'steer with a C1 control', method: 'POST', path: '/api/steer', body: json({ text: 'csi \u009b2J' }), status: 400, mentions: 'control character' },
  { name: 'a reason with a terminal escape', method: 'POST', path: '/api/tasks/1/cancel', body: json({ reason: '\u001b]0;pwned\u0007' }), status: 400, mentions: '"reason" contains a control character' },
  { name: 'steer with a NUL', method: 'POST', path: '/api/steer', body: json({ text: 'a\u0000b' }), status: 400, mentions: 'control character' },
  { name: 'a body just over the limit', method: 'POST', path: '/api/steer', body: json({ text: 'z'.repeat(maxBodyBytes) }), status: 413, mentions: `${maxBodyBytes / 1024} KB` },
  { name: 'a 4 MB body', method: 'POST', path: '/api/steer', body: json({ text: 'z'.repeat(4 * 1024 * 1024) }), status: 413, mentions: 'larger than' },
  {
    name: 'an oversized body sent in chunks, without a length',
    method: 'POST',
    path: '/api/steer',
    body: { chunkedBytes: 4 * 1024 * 1024 },
    status: 413,
    mentions: 'larger than',
  },
  { name: 'an oversized body on a control without fields', method: 'POST', path: '/api/pause', body: json({ padding: 'p'.repeat(maxBodyBytes) }), status: 413, mentions: 'larger than' },
  { name: 'reject without a reason', method: 'POST', path: '/api/tasks/1/reject', body: json({}), status: 400, mentions: '"reason" is required' },
  { name: 'reject with a numeric reason', method: 'POST', path: '/api/tasks/1/reject', body: json({ reason: 42 }), status: 400, mentions: '"reason" must be a string' },
  { name: 'reject with an oversized reason', method: 'POST', path: '/api/tasks/1/reject', body: json({ reason: longReason }), status: 400, mentions: `at most ${reasonLength}` },
  { name: 'command rejection without a reason', method: 'POST', path: '/api/approvals/1/reject', status: 400, mentions: '"reason" is required' },
  { name: 'retry with a numeric reason', method: 'POST', path: '/api/tasks/1/retry', body: json({ reason: 7 }), status: 400, mentions: '"reason" must be a string' },
  { name: 'cancel with a list as reason', method: 'POST', path: '/api/tasks/1/cancel', body: json({ reason: ['x'] }), status: 400, mentions: '"reason" must be a string' },
  { name: 'cancel with a misspelt field', method: 'POST', path: '/api/tasks/1/cancel', body: json({ reasn: 'x' }), status: 400, mentions: 'unknown field "reasn"' },
  { name: 'cancel with an oversized reason', method: 'POST', path: '/api/tasks/1/cancel', body: json({ reason: longReason }), status: 400, mentions: `at most ${reasonLength}` },
  { name: 'pause with a field', method: 'POST', path: '/api/pause', body: json({ now: true }), status: 400, mentions: 'unknown field "now"' },
  { name: 'stop with a body that is not JSON', method: 'POST', path: '/api/stop', body: 'please', status: 400, mentions: 'not valid JSON' },
  { name: 'approve with a field', method: 'POST', path: '/api/approvals/1/approve', body: json({ as: 'admin' }), status: 400, mentions: 'unknown field "as"' },

  // Memory: the repository's, so no run is needed; nothing is remembered yet.
  { name: 'a memory without a token', method: 'POST', path: '/api/memory', authorization: null, body: json({ text: 'remember me' }), status: 401, mentions: 'token' },
  { name: 'PUT on a memory', method: 'PUT', path: '/api/memory/1', status: 405, mentions: 'GET /api/memory/1 or DELETE /api/memory/1' },
  { name: 'PATCH on the memory', method: 'PATCH', path: '/api/memory', status: 405, mentions: 'GET /api/memory or POST /api/memory' },
  { name: 'POST on a memory', method: 'POST', path: '/api/memory/1', body: json({ text: 'x' }), status: 405, mentions: 'DELETE /api/memory/1' },
  { name: 'a path below a memory', path: '/api/memory/1/files', status: 404, mentions: 'no such endpoint' },
  ...badIds.map((id): Refusal => ({ name: `memory id ${id}`, path: `/api/memory/${id}`, status: 400, mentions: `the memory id must be a whole number from 1 to 2147483647, got "${id.slice(0, 40)}` })),
  ...['0', 'abc', '1e3'].map((id): Refusal => ({ name: `forgetting memory id ${id}`, method: 'DELETE', path: `/api/memory/${id}`, status: 400, mentions: 'memory id must be a whole number' })),
  { name: 'a memory that does not exist', path: '/api/memory/999', status: 404, mentions: 'no memory with id 999' },
  { name: 'forgetting a memory that does not exist', method: 'DELETE', path: '/api/memory/2147483647', status: 404, mentions: 'no memory with id 2147483647' },
  { name: 'forgetting with a field', method: 'DELETE', path: '/api/memory/999', body: json({ force: true }), status: 400, mentions: 'unknown field "force"' },
  { name: 'a memory without text', method: 'POST', path: '/api/memory', body: json({ files: ['src/'] }), status: 400, mentions: '"text" is required' },
  { name: 'a memory with no body', method: 'POST', path: '/api/memory', status: 400, mentions: '"text" is required' },
  { name: 'a memory with empty text', method: 'POST', path: '/api/memory', body: json({ text: '' }), status: 400, mentions: '"text" is empty' },
  { name: 'a memory with blank text', method: 'POST', path: '/api/memory', body: json({ text: '\n \t' }), status: 400, mentions: '"text" is empty' },
  { name: `a memory of ${steeringLength + 1} characters`, method: 'POST', path: '/api/memory', body: json({ text: 'm'.repeat(steeringLength + 1) }), status: 400, mentions: `at most ${steeringLength}` },
  { name: 'a memory with a terminal escape', method: 'POST', path: '/api/memory', body: json({ text: 'ok \u001b[2J' }), status: 400, mentions: 'control character' },
  { name: 'a memory that says what it is', method: 'POST', path: '/api/memory', body: json({ text: 'ok', kind: 'verdict', standing: false }), status: 400, mentions: 'unknown fields "kind", "standing"' },
  { name: 'a memory with files as a string', method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: 'src/' }), status: 400, mentions: '"files" must be a list of paths, got a string' },
  { name: 'a memory with a number for a file', method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: [7] }), status: 400, mentions: '"files" must hold paths (strings), got a number' },
  { name: 'a memory about a file outside the repository', method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: ['../secrets.env'] }), status: 400, mentions: 'leads out of the repository' },
  { name: 'a memory about an absolute path', method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: ['/etc/passwd'] }), status: 400, mentions: 'is an absolute path' },
  { name: "a memory about git's own files", method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: ['.git/config'] }), status: 400, mentions: '.git' },
  { name: 'a memory about a glob', method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: ['src/**/*.ts'] }), status: 400, mentions: 'is a glob' },
  { name: 'a memory about an empty path', method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: [''] }), status: 400, mentions: '"files": "" is empty' },
  { name: 'a memory about 51 files', method: 'POST', path: '/api/memory', body: json({ text: 'ok', files: Array.from({ length: 51 }, (_, index) => `src/file-${index}.ts`) }), status: 400, mentions: 'more than 50 paths' },
  { name: 'a memory body just over the limit', method: 'POST', path: '/api/memory', body: json({ text: 'z'.repeat(maxBodyBytes) }), status: 413, mentions: `${maxBodyBytes / 1024} KB` },
  { name: 'an oversized memory body sent in chunks', method: 'POST', path: '/api/memory', body: { chunkedBytes: 2 * 1024 * 1024 }, status: 413, mentions: 'larger than' },
  { name: 'a memory sent as text/plain', method: 'POST', path: '/api/memory', headers: { 'content-type': 'text/plain' }, body: json({ text: 'ok' }), status: 415, mentions: 'application/json' },
  { name: 'an unknown memory kind', path: '/api/memory?kind=wisdom', status: 400, mentions: `kind must be one of ${memoryKinds.join(', ')}, got "wisdom"` },
  { name: 'memory kind given twice', path: '/api/memory?kind=note&kind=failure', status: 400, mentions: 'kind must be one of' },
  { name: 'memory of task abc', path: '/api/memory?task=abc', status: 400, mentions: 'task (a task id) must be a whole number' },
  { name: 'memory of task 0', path: '/api/memory?task=0', status: 400, mentions: 'task (a task id)' },
  { name: 'memory limit=0', path: '/api/memory?limit=0', status: 400, mentions: 'limit must be a whole number from 1 to 500' },
  { name: 'memory limit=501', path: '/api/memory?limit=501', status: 400, mentions: 'limit must be a whole number from 1 to 500' },
  { name: 'memory all=yes', path: '/api/memory?all=yes', status: 400, mentions: 'all must be true or false, got "yes"' },
  { name: 'memory about an absolute file', path: '/api/memory?file=/etc/passwd', status: 400, mentions: 'file: "/etc/passwd" is an absolute path' },
  { name: 'memory about a file outside the repository', path: '/api/memory?file=src/../../x', status: 400, mentions: 'leads out of the repository' },
  { name: 'a memory search given twice', path: '/api/memory?q=a&q=b', status: 400, mentions: 'q must be given once' },
  { name: 'a memory search over 1000 characters', path: `/api/memory?q=${'w'.repeat(1_001)}`, status: 400, mentions: 'at most 1000' },
  { name: 'a memory search with a control character', path: '/api/memory?q=a%1Bb', status: 400, mentions: 'control character' },
  { name: 'a misspelt memory query parameter', path: '/api/memory?query=dates', status: 400, mentions: 'unknown query parameter "query"' },
  { name: 'a query on one memory', path: '/api/memory/1?all=true', status: 400, mentions: 'unknown query parameter "all"' },

  // Query strings.
  { name: 'limit=-1', path: '/api/events?limit=-1', status: 400, mentions: `limit must be a whole number from 1 to ${maxEventLimit}` },
  { name: 'limit=abc', path: '/api/events?limit=abc', status: 400, mentions: 'got "abc"' },
  { name: 'limit=1e9', path: '/api/events?limit=1e9', status: 400, mentions: 'got "1e9"' },
  { name: 'limit=0', path: '/api/events?limit=0', status: 400, mentions: 'limit' },
  { name: `limit=${maxEventLimit + 1}`, path: `/api/events?limit=${maxEventLimit + 1}`, status: 400, mentions: 'limit' },
  { name: 'limit given twice', path: '/api/events?limit=1&limit=2', status: 400, mentions: 'given once' },
  { name: 'after=-5', path: '/api/events?after=-5', status: 400, mentions: 'after' },
  { name: 'after=1.5', path: '/api/events?after=1.5', status: 400, mentions: 'after' },
  { name: 'an unknown query parameter', path: '/api/events?limt=10', status: 400, mentions: 'unknown query parameter "limt"' },
  { name: 'a query on an endpoint without one', path: '/api/status?verbose=1', status: 400, mentions: 'unknown query parameter "verbose"' },
  { name: "a query on a task's diff", path: '/api/tasks/1/diff?stat=true', status: 400, mentions: 'unknown query parameter "stat"' },
  { name: 'an unknown task status', path: '/api/tasks?status=sleeping', status: 400, mentions: 'status must be one of' },
  { name: 'an empty task status', path: '/api/tasks?status=', status: 400, mentions: 'status must be one of' },
  { name: 'the stream after -5', path: '/api/events/stream?after=-5', status: 400, mentions: 'after' },
  { name: 'the stream with a bad Last-Event-ID', path: '/api/events/stream', headers: { 'last-event-id': 'abc' }, status: 400, mentions: 'Last-Event-ID' },
]

/** The same store once the run has ended. */
const onAFinishedRun: Refusal[] = [
  { name: 'pausing a stopped run', method: 'POST', path: '/api/pause', status: 409, mentions: 'run 1 is stopped' },
  { name: 'resuming a stopped run', method: 'POST', path: '/api/resume', status: 409, mentions: 'run 1 is stopped' },
  { name: 'stopping a stopped run', method: 'POST', path: '/api/stop', status: 409, mentions: 'run 1 is stopped' },
  { name: 'stopping a stopped run by force', method: 'POST', path: '/api/stop', body: json({ force: true }), status: 400, mentions: 'unknown field "force"' },
]

/**
 * POSTs `bytes` of JSON in 1 KB chunks, with no Content-Length, through node:http:
 * fetch drops a response that arrives while it is still sending, and the server
 * answers 413 and stops reading long before the upload would end.
 */
function postChunked(url: string, headers: Record<string, string>, bytes: number): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } }, (response) => {
      const parts: Buffer[] = []
      response.on('data', (part: Buffer) => parts.push(part))
      response.on('end', () => resolve(new Response(Buffer.concat(parts), { status: response.statusCode!, headers: response.headers as Record<string, string> })))
    })
    // Once the answer is in, the server closing the rest of the upload is the point, not a failure.
    let answered = false
    request.on('response', () => (answered = true))
    request.on('error', (error) => {
      if (!answered) reject(error)
    })
    const chunk = Buffer.alloc(1024, 'a')
    let sent = 0
    const write = () => {
      if (answered || request.destroyed) return
      while (sent < bytes) {
        sent += chunk.length
        if (!request.write(sent === chunk.length ? Buffer.from(`{"text":"${'a'.repeat(1015)}`) : chunk)) return void request.once('drain', write)
      }
      request.end('"}')
    }
    write()
  })
}

/** A JavaScript stack frame, as Node prints it. */
const stackFrame = /\bat .+(\(.*:\d+:\d+\)|:\d+:\d+)/

describe('the HTTP API refuses hostile input, answers why, and changes nothing', () => {
  let repo: { root: string; dispose(): Promise<void> }
  let server: ChildProcess
  let base: string
  let output = ''

  beforeAll(async () => {
    repo = await createTempRepository()
    expect((await colony(repo.root, ['init'])).code).toBe(0)
    expect((await colony(repo.root, ['task', 'add', 'Parse dates', '--accept', 'npm test'])).code).toBe(0)
    expect((await colony(repo.root, ['task', 'add', 'Not needed', '--accept', 'npm test'])).code).toBe(0)
    expect((await colony(repo.root, ['cancel', '2'])).code).toBe(0)
    const store = await openStore(join(repo.root, '.colony', 'colony.db'))
    const agent = await store.createAgent({ runId: 1, role: 'worker', taskId: 1 })
    await store.appendTranscript(agent.id, [{ role: 'user', content: 'hello' }])
    const approval = await store.requestApproval({ runId: 1, kind: 'command', subject: 'curl example.com' })
    await store.decideApproval(approval.id, approval.version, { status: 'approved', decidedBy: 'person' })
    await store.close()

    server = spawn(process.execPath, [cliEntry, 'serve', '--port', '0'], { cwd: repo.root, env: { ...process.env, COLONY_SERVER_TOKEN: token }, stdio: ['ignore', 'pipe', 'pipe'] })
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address in 20 s: ${output}`)), 20_000)
      server.once('exit', (code) => reject(new Error(`colony serve exited with ${code}: ${output}`)))
      server.stdout!.on('data', () => {
        const match = /API: +(http:\/\/127\.0\.0\.1:\d+)\/api/.exec(output)
        if (!match) return
        clearTimeout(timer)
        resolve(match[1]!)
      })
    })
  })

  afterAll(async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve))
      server.kill('SIGINT')
      expect(await exited).toBe(0)
    }
    await repo.dispose()
  })

  async function send(refusal: Refusal): Promise<Response> {
    const headers: Record<string, string> = { ...(typeof refusal.body === 'string' && { 'content-type': 'application/json' }), ...refusal.headers }
    const authorization = refusal.authorization === undefined ? `Bearer ${token}` : refusal.authorization
    if (authorization !== null) headers.authorization = authorization
    const { body } = refusal
    if (typeof body === 'object' && 'chunkedBytes' in body) return postChunked(`${base}${refusal.path}`, { 'content-type': 'application/json', ...headers }, body.chunkedBytes)
    return fetch(`${base}${refusal.path}`, { method: refusal.method ?? 'GET', headers, ...(body !== undefined && { body }) })
  }

  // Refusals change nothing, so the state before one is the state after the last: read once per phase.
  let unchanged: string | undefined

  async function expectRefused(refusal: Refusal) {
    unchanged ??= repositoryState(repo.root)
    const response = await send(refusal)
    const text = await response.text()
    expect(response.status, text).toBe(refusal.status)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    const body = JSON.parse(text) as { error: string; code?: string; hint?: string }
    expect(Object.keys(body).filter((key) => !['error', 'code', 'hint'].includes(key))).toEqual([])
    expect(typeof body.error).toBe('string')
    if (body.code !== undefined) expect(body.code).toMatch(/^[A-Z][A-Za-z]+Error$/)
    if (body.hint !== undefined) expect(typeof body.hint).toBe('string')
    const said = `${body.error}\n${body.hint ?? ''}`
    if (typeof refusal.mentions === 'string') expect(said).toContain(refusal.mentions)
    else expect(said).toMatch(refusal.mentions)
    expect(text, 'a stack trace reached the client').not.toMatch(stackFrame)
    expect(text.length, 'the answer echoes the input back in full').toBeLessThan(2_000)
    if (refusal.status === 401) expect(response.headers.get('www-authenticate')).toBe('Bearer')
    if (refusal.status === 405) expect(response.headers.get('allow')).toMatch(/^(GET|POST)/)
    // The rest of an oversized body is never read: the connection must not be used again.
    if (refusal.status === 413) expect(response.headers.get('connection')).toBe('close')
    expect(repositoryState(repo.root), 'a refused request changed the repository or the store').toBe(unchanged)
    const alive = await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })
    expect(alive.status).toBe(200)
    await alive.body?.cancel()
  }

  it.each(onAPendingRun.map((refusal) => [refusal.name, refusal] as const))('refuses %s', async (_name, refusal) => {
    await expectRefused(refusal)
  })

  it('takes what the limits allow: the longest text, the largest page of events, an empty control body', async () => {
    const steer = await send({ name: 'longest steer', method: 'POST', path: '/api/steer', body: json({ text: `${'s'.repeat(steeringLength - 2)}\n\t` }), status: 400, mentions: '' })
    expect(steer.status).toBe(200)
    expect(((await steer.json()) as { data: { text: string } }).data.text).toHaveLength(steeringLength - 2)
    const events = await send({ name: 'largest page', path: `/api/events?after=0&limit=${maxEventLimit}`, status: 400, mentions: '' })
    expect(events.status).toBe(200)
    expect(((await events.json()) as unknown[]).length).toBeGreaterThan(0)
    const transcript = await send({ name: 'transcript', path: '/api/agents/1/transcript', status: 400, mentions: '' })
    expect(transcript.status).toBe(200)
    expect(await transcript.json()).toMatchObject([{ role: 'user' }])
    // curl -X POST -H 'content-type: application/json' with nothing after it.
    const cancelled = await send({ name: 'cancel', method: 'POST', path: '/api/tasks/1/cancel', headers: { 'content-type': 'application/json' }, status: 400, mentions: '' })
    expect(cancelled.status).toBe(200)
    expect(await cancelled.json()).toMatchObject({ status: 'cancelled', reason: 'cancelled by a person' })

    unchanged = undefined
    const store = await openStore(join(repo.root, '.colony', 'colony.db'))
    const run = await store.getRun(1)
    await store.updateRun(run.id, run.version, { status: 'stopped', reason: 'ended for the test' })
    await store.close()
  })

  it.each(onAFinishedRun.map((refusal) => [refusal.name, refusal] as const))('on a finished run, refuses %s', async (_name, refusal) => {
    await expectRefused(refusal)
  })

  it('is still serving, and said nothing alarming on its terminal', async () => {
    expect(server.exitCode).toBeNull()
    expect((await fetch(`${base}/api/status`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect(output).not.toMatch(stackFrame)
    expect(output).not.toContain('failed:')
    expect(output).not.toContain('warning')
  })

  it.each([
    { name: '--port abc', args: ['--port', 'abc'], code: 2, mentions: '--port must be a whole number from 0 to 65535' },
    { name: '--port 70000', args: ['--port', '70000'], code: 2, mentions: '--port must be a whole number' },
    { name: '--port -1', args: ['--port', '-1'], code: 2, mentions: '--port' },
    { name: '--port 1e3', args: ['--port', '1e3'], code: 2, mentions: '--port must be a whole number' },
    { name: '--host http://0.0.0.0:4317', args: ['--host', 'http://0.0.0.0:4317'], code: 2, mentions: 'not a URL' },
    { name: "--host ''", args: ['--host', ''], code: 2, mentions: '--host' },
    { name: '--port 0 --host no-such-host.invalid', args: ['--port', '0', '--host', 'no-such-host.invalid'], code: 1, mentions: 'cannot listen on --host no-such-host.invalid: no such host name' },
    { name: '--port 0 --host 192.0.2.1', args: ['--port', '0', '--host', '192.0.2.1'], code: 1, mentions: "not one of this machine's" },
  ] as const)('colony serve $name exits $code and says why', async ({ args, code, mentions }) => {
    const before = repositoryState(repo.root)
    expectCleanFailure(await colony(repo.root, ['serve', ...args]), { code, mentions: [mentions] })
    expect(repositoryState(repo.root)).toBe(before)
  })

  it('colony serve on a port in use exits 1 and says to choose another', async () => {
    const port = new URL(base).port
    expectCleanFailure(await colony(repo.root, ['serve', '--port', port]), { code: 1, mentions: [`127.0.0.1:${port}: the port is already in use`, '--port 0'] })
  })

  it('colony serve on an address other machines can reach warns that whoever has the token controls the run', async () => {
    const exposed = spawn(process.execPath, [cliEntry, 'serve', '--port', '0', '--host', '0.0.0.0'], { cwd: repo.root, stdio: ['ignore', 'pipe', 'pipe'] })
    const warning = await new Promise<string>((resolve, reject) => {
      let said = ''
      let stderr = ''
      // Both pipes may arrive in either order; Ctrl-C goes once the server has said all it says on start.
      const ready = () => stderr.includes('--host 127.0.0.1') && said.includes('Ctrl-C stops the server') && resolve(stderr)
      exposed.stdout.on('data', (chunk: Buffer) => ((said += chunk.toString()), ready()))
      exposed.stderr.on('data', (chunk: Buffer) => ((stderr += chunk.toString()), ready()))
      exposed.once('exit', (exitCode) => reject(new Error(`colony serve exited with ${exitCode}: ${said}${stderr}`)))
    })
    const exited = new Promise((resolve) => exposed.once('exit', resolve))
    exposed.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(warning).toMatch(/^colony serve: warning: listening on http:\/\/0\.0\.0\.0:\d+, which other machines can reach: anyone who can reach this address and has the token controls the run/)
    expect(warning).toContain('--host 127.0.0.1')
  })
})
