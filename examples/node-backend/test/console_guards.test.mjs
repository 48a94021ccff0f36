// The console's guards that act before or beyond a request: an upload is refused on its
// headers (no session, no CSRF token, a type that is not media) before its body is read, and
// an open event stream ends with its session (sign-out, expiry).
import { test, before, after, mock } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { createRequire } from 'node:module'
import { startBackend, KEYS } from './support.mjs'

const require = createRequire(import.meta.url)
// The service's own express (the same module instance as src/): the uploads' raw body parser
// (the one with the 50 MB limit; the webhooks have their own) counts the bodies it reads.
const express = require('express')
const UPLOAD_LIMIT = 50 * 1024 * 1024
const rawParsers = { built: 0, ran: 0 }
const realRaw = express.raw
mock.method(express, 'raw', (options) => {
  const parse = realRaw(options)
  if (options?.limit !== UPLOAD_LIMIT) return parse
  rawParsers.built++
  return (req, res, next) => {
    rawParsers.ran++
    return parse(req, res, next)
  }
})

// The sessions' clock, moved by the expiry test.
let clock = Date.now()
let t

before(async () => {
  t = await startBackend({ config: { consoleSessions: { now: () => clock, idleMs: 60_000 } } })
})

after(async () => {
  mock.restoreAll()
  await t?.stop()
})

async function signIn(apiKey = KEYS.acme) {
  const res = await t.api('POST', '/console/api/session', { as: null, body: { apiKey } })
  assert.equal(res.status, 201, res.text)
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrfToken: res.body.csrfToken }
}

const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')

test('uploads: refused on the headers (401, 403, 415) without the body parser ever running', async () => {
  assert.equal(rawParsers.built, 1, 'the uploads route builds its raw parser once')
  const { cookie, csrfToken } = await signIn()
  const big = Buffer.alloc(1024 * 1024)
  const refused = [
    [{ 'content-type': 'image/png' }, 401, 'UNAUTHENTICATED'],
    [{ cookie, 'content-type': 'image/png' }, 403, 'CSRF'],
    [{ cookie, 'x-csrf-token': 'forged', 'content-type': 'image/png' }, 403, 'CSRF'],
    [{ cookie, 'x-csrf-token': csrfToken, 'content-type': 'text/html' }, 415, 'UNSUPPORTED_MEDIA'],
  ]
  for (const [headers, status, code] of refused) {
    t.assertError(await t.api('POST', '/console/api/uploads', { as: null, headers, raw: big }), status, { code })
  }
  assert.equal(rawParsers.ran, 0, 'a refused upload’s body was parsed')
  // An allowed one is read (the counter counts).
  const ok = await t.api('POST', '/console/api/uploads', { as: null, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'image/png' }, raw: png })
  assert.equal(ok.status, 201, ok.text)
  assert.equal(rawParsers.ran, 1)
})

test('uploads: an unauthenticated 50 MB upload is answered 401 while its body is still being sent', async () => {
  const total = 50 * 1024 * 1024
  const chunk = Buffer.alloc(64 * 1024)
  const { port } = new URL(t.base)
  let sent = 0
  const answer = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/console/api/uploads', headers: { 'content-type': 'image/png', 'content-length': total } })
    let answered = null
    req.on('response', (res) => {
      answered = { status: res.statusCode, sentBefore: sent }
      let text = ''
      res.on('data', (d) => (text += d))
      res.on('end', () => {
        req.destroy()
        resolve({ ...answered, text })
      })
    })
    req.on('error', (err) => (answered ? undefined : reject(err)))
    // The body goes out a chunk at a time, each once the previous one is taken, until the
    // answer arrives (a server that buffers the body first answers only after the last one).
    const more = () => {
      if (answered || sent >= total) return
      sent += chunk.length
      req.write(chunk, more)
    }
    more()
  })
  assert.equal(answer.status, 401, answer.text)
  assert.equal(JSON.parse(answer.text).error.code, 'UNAUTHENTICATED')
  assert.ok(answer.sentBefore < total, `the answer came after the whole body (${answer.sentBefore} bytes)`)
  assert.equal(rawParsers.ran, 1, 'only the allowed upload of the previous test was parsed')
})

/** Opens the events stream of `cookie`; `read()` resolves to the next event's text, or null at the end. */
async function openStream(cookie) {
  const res = await fetch(`${t.base}/console/api/events`, { headers: { cookie } })
  assert.equal(res.status, 200)
  const reader = res.body.getReader()
  let buffer = ''
  return {
    async next() {
      for (;;) {
        const at = buffer.indexOf('\n\n')
        if (at !== -1) {
          const event = buffer.slice(0, at)
          buffer = buffer.slice(at + 2)
          if (event.startsWith('event:')) return event
          continue
        }
        const { value, done } = await reader.read()
        if (done) return null
        buffer += Buffer.from(value).toString()
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  }
}

const progress = (n) => t.app.locals.bus.emit('publish', { companyId: 'acme', progress: { idempotencyKey: `guard-${n}`, type: 'created' } })

test('the events stream ends when its session signs out', async () => {
  const { cookie, csrfToken } = await signIn()
  const stream = await openStream(cookie)
  try {
    progress(1)
    assert.match(await stream.next(), /^event: publish\ndata: .*guard-1/)
    const out = await t.api('DELETE', '/console/api/session', { as: null, headers: { cookie, 'x-csrf-token': csrfToken } })
    assert.equal(out.status, 200, out.text)
    // An event after the sign-out is not sent: the stream has ended.
    progress(2)
    assert.equal(await stream.next(), null)
  } finally {
    await stream.cancel()
  }
})

test('the events stream ends once its session has expired', async () => {
  const { cookie } = await signIn()
  const stream = await openStream(cookie)
  try {
    progress(3)
    assert.match(await stream.next(), /guard-3/)
    clock += 61_000
    progress(4)
    assert.equal(await stream.next(), null)
    t.assertError(await t.api('GET', '/console/api/events', { as: null, headers: { cookie } }), 401)
  } finally {
    clock = Date.now()
    await stream.cancel()
  }
})
