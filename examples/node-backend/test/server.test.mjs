// The README's one command: `npm start` with INSTAGRAM_MODE=sandbox runs the service against
// an in-process sandbox and prints its URL and a working curl; SIGTERM stops it cleanly. The
// startup log shows the demo company's generated key, never a configured one, and the console's
// address, whose demo company has a connected account with data for every page (conversations,
// a scheduled post, a client).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { TOKEN_PATTERN } from './support.mjs'

const server = fileURLToPath(new URL('../src/server.js', import.meta.url))

/** Runs `node src/server.js` with `env`; `out` collects stdout and stderr. */
function run(env) {
  const child = spawn(process.execPath, [server], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  const run = { child, out: '' }
  child.stdout.on('data', (d) => (run.out += d))
  child.stderr.on('data', (d) => (run.out += d))
  run.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return run
}

/** Waits for the end of the start-up banner (bounded by attempts, not by how fast the machine is). */
async function started(running) {
  for (let i = 0; i < 600 && !/^then open/m.test(running.out); i++) await new Promise((r) => setTimeout(r, 50))
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(running.out)?.[1]
  assert.ok(url, running.out)
  return url
}

test('INSTAGRAM_MODE=sandbox node src/server.js serves, prints a working curl, stops on SIGTERM', async () => {
  const running = run({ INSTAGRAM_MODE: 'sandbox', PORT: '0' })
  try {
    const url = await started(running)
    const curl = /curl -s -H 'x-api-key: ([^']+)' '([^']+)'/.exec(running.out)
    assert.ok(curl, running.out)
    assert.match(curl[1], /^demo-[0-9a-f]{24}$/, 'the generated demo key')
    const res = await fetch(curl[2], { headers: { 'x-api-key': curl[1] } })
    assert.equal(res.status, 200)
    const body = await res.json()
    assert.equal(body.success, true)
    assert.equal(body.expectedRedirectUri, `${url}/instagram/oauth2callback`)
    assert.doesNotMatch(running.out, TOKEN_PATTERN)

    // The console's address, and the demo company's seeded account behind its sign-in.
    const consoleLine = /^Console: (\S+) \(sign in with the API key (\S+)\); added to the demo company: @bob\.builds$/m.exec(running.out)
    assert.ok(consoleLine, running.out)
    assert.equal(consoleLine[1], `${url}/console/`)
    assert.equal(consoleLine[2], curl[1])
    assert.equal((await fetch(consoleLine[1])).status, 200)
    const session = await fetch(`${url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: consoleLine[2] }),
    })
    const cookie = session.headers.get('set-cookie').split(';')[0]
    const get = async (path) => (await fetch(`${url}${path}`, { headers: { cookie } })).json()
    const added = await get('/instagram/get-added-accounts')
    assert.deepEqual(added.data.map((a) => a.username), ['bob.builds'])
    const bob = added.data[0]
    // Every page opens on data: the account is assigned to one of the demo company's clients…
    const clients = (await get('/instagram/clients/available')).data
    assert.ok(bob.assignedClient && clients.some((c) => c.id === bob.assignedClient.id), JSON.stringify(bob))
    // …has conversations with messages, both ways, the last one of them the person's…
    const conversations = (await get(`/instagram/conversations?igUserId=${bob.id}`)).data
    assert.ok(conversations.length >= 1, 'the demo account has conversations')
    const messages = (await get(`/instagram/conversations/${encodeURIComponent(conversations[0].id)}/messages?igUserId=${bob.id}`)).data
    assert.ok(messages.some((m) => m.from?.id === bob.id) && messages.some((m) => m.from?.id !== bob.id), JSON.stringify(messages))
    // …and a post scheduled a few days ahead, and one due at start (the worker publishes it:
    // the Calendar's first week shows a post whatever the day).
    const jobs = (await get('/instagram/schedule')).data
    const ahead = jobs.filter((j) => j.status === 'scheduled' && j.igUserId === bob.id && new Date(j.publishAt) - Date.now() > 2 * 86_400_000)
    assert.equal(ahead.length, 1, JSON.stringify(jobs))
    const due = jobs.filter((j) => j.igUserId === bob.id && new Date(j.publishAt) <= new Date() && j.status !== 'failed')
    assert.equal(due.length, 1, JSON.stringify(jobs))
  } finally {
    running.child.kill('SIGTERM')
  }
  const { code } = await running.exited
  assert.equal(code, 0, running.out)
})

test('the startup log never prints a configured API key', async () => {
  const key = 'configured-secret-key-0123456789'
  const running = run({ INSTAGRAM_MODE: 'sandbox', PORT: '0', COMPANY_API_KEYS: `acme:${key}` })
  try {
    const url = await started(running)
    assert.ok(!running.out.includes(key), running.out)
    assert.match(running.out, /x-api-key: <API key>' '[^']+companyId=acme'/)
    // The configured key is the one that works.
    const res = await fetch(`${url}/instagram/auth/url?companyId=acme`, { headers: { 'x-api-key': key } })
    assert.equal(res.status, 200)
  } finally {
    running.child.kill('SIGTERM')
  }
  assert.equal((await running.exited).code, 0, running.out)
  assert.ok(!running.out.includes(key), running.out)

  // Nor does a configuration error quote a malformed entry (which may still be a key).
  const bad = run({ INSTAGRAM_MODE: 'sandbox', PORT: '0', COMPANY_API_KEYS: `acme:${key},${key}` })
  assert.equal((await bad.exited).code, 1, bad.out)
  assert.match(bad.out, /COMPANY_API_KEYS/)
  assert.ok(!bad.out.includes(key), bad.out)
})
