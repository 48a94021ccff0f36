// The README's one command: `npm start` with INSTAGRAM_MODE=sandbox runs the service against
// an in-process sandbox and prints its URL and a working curl; SIGTERM stops it cleanly.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { TOKEN_PATTERN } from './support.mjs'

const server = fileURLToPath(new URL('../src/server.js', import.meta.url))

test('INSTAGRAM_MODE=sandbox node src/server.js serves, prints a working curl, stops on SIGTERM', async () => {
  const env = { PATH: process.env.PATH, INSTAGRAM_MODE: 'sandbox', PORT: '0' }
  const child = spawn(process.execPath, [server], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  try {
    // Bounded by attempts, not by how fast the machine is.
    for (let i = 0; i < 600 && !/^then open/m.test(out); i++) await new Promise((r) => setTimeout(r, 50))
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
    assert.ok(url, out)
    const curl = /curl -s -H 'x-api-key: ([^']+)' '([^']+)'/.exec(out)
    assert.ok(curl, out)
    const res = await fetch(curl[2], { headers: { 'x-api-key': curl[1] } })
    assert.equal(res.status, 200)
    const body = await res.json()
    assert.equal(body.success, true)
    assert.equal(body.expectedRedirectUri, `${url}/instagram/oauth2callback`)
    assert.doesNotMatch(out, TOKEN_PATTERN)
  } finally {
    child.kill('SIGTERM')
  }
  const { code } = await exited
  assert.equal(code, 0, out)
})
