// The console's sessions over HTTP: sign-in with the API key sets an HttpOnly, SameSite=Strict
// cookie and never echoes the key; every write needs the session's CSRF token; sessions are
// per company, end on sign-out, expire, and their number is bounded.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { startBackend, KEYS } from './support.mjs'

const require = createRequire(import.meta.url)
const { Sessions } = require('../src/console/sessions.js')
const { Uploads } = require('../src/console/uploads.js')

let t

before(async () => {
  t = await startBackend()
})

after(async () => {
  await t?.stop()
})

async function signIn(apiKey) {
  const res = await t.api('POST', '/console/api/session', { as: null, body: { apiKey } })
  return { ...res, cookie: res.headers.get('set-cookie')?.split(';')[0] }
}

test('sign-in: an HttpOnly, SameSite=Strict cookie; the key is never echoed; a wrong key is 401', async () => {
  const res = await signIn(KEYS.acme)
  assert.equal(res.status, 201, res.text)
  assert.deepEqual(Object.keys(res.body).sort(), ['company', 'csrfToken', 'success'])
  assert.equal(res.body.company, 'acme')
  assert.ok(!res.text.includes(KEYS.acme))
  const setCookie = res.headers.get('set-cookie')
  assert.match(setCookie, /^ig_console=[\w-]{43}; Path=\/; HttpOnly; SameSite=Strict$/)
  assert.ok(!setCookie.includes(KEYS.acme))

  t.assertError(await t.api('POST', '/console/api/session', { as: null, body: { apiKey: 'wrong-key-123' } }), 401, { field: 'apiKey' })
  t.assertError(await t.api('POST', '/console/api/session', { as: null, body: {} }), 400, { field: 'apiKey' })
  t.assertError(await t.api('GET', '/console/api/session', { as: null }), 401)
})

test('the session reads the company’s routes; writes need its CSRF token', async () => {
  const { cookie, body } = await signIn(KEYS.acme)
  const read = await t.api('GET', '/instagram/clients/available', { as: null, headers: { cookie } })
  assert.equal(read.status, 200, read.text)
  assert.equal(read.body.data[0].id, 'bakery-client')
  const me = await t.api('GET', '/console/api/session', { as: null, headers: { cookie } })
  assert.equal(me.body.csrfToken, body.csrfToken)

  const write = { accountIds: ['1'], clientId: 'bakery-client' }
  for (const headers of [{ cookie }, { cookie, 'x-csrf-token': 'forged' }, { cookie, 'x-csrf-token': '' }]) {
    t.assertError(await t.api('POST', '/instagram/accounts/assign-to-client', { as: null, headers, body: write }), 403, { code: 'CSRF' })
  }
  // With the token, the write reaches the route (no such account: 404, not a CSRF refusal).
  const withToken = await t.api('POST', '/instagram/accounts/assign-to-client', { as: null, headers: { cookie, 'x-csrf-token': body.csrfToken }, body: write })
  t.assertError(withToken, 404, { code: 'NOT_FOUND' })
  // Another session's token does not do.
  const other = await signIn(KEYS.acme)
  t.assertError(
    await t.api('POST', '/instagram/accounts/assign-to-client', { as: null, headers: { cookie, 'x-csrf-token': other.body.csrfToken }, body: write }),
    403,
    { code: 'CSRF' },
  )
  t.assertError(await t.api('POST', '/console/api/caption', { as: null, headers: { cookie }, body: { caption: 'x' } }), 403, { code: 'CSRF' })
})

test('a session is its company’s only, and ends on sign-out', async () => {
  const acme = await t.connect('acme', 0)
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`)
  await t.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: found.body.data.accounts.slice(0, 1) } })
  const bakery = found.body.data.accounts[0].id

  const globex = await signIn(KEYS.globex)
  const theirs = await t.api('GET', '/instagram/get-added-accounts', { as: null, headers: { cookie: globex.cookie } })
  assert.deepEqual(theirs.body.data, [])
  const probe = await t.api('GET', `/instagram/accounts/${bakery}/profile`, { as: null, headers: { cookie: globex.cookie } })
  assert.ok([403, 404].includes(probe.status), probe.text)
  // A companyId parameter does not switch the company either.
  const forced = await t.api('GET', '/instagram/get-added-accounts?companyId=acme', { as: null, headers: { cookie: globex.cookie } })
  t.assertError(forced, 403, { code: 'FORBIDDEN' })

  t.assertError(await t.api('DELETE', '/console/api/session', { as: null, headers: { cookie: globex.cookie } }), 403, { code: 'CSRF' })
  const out = await t.api('DELETE', '/console/api/session', { as: null, headers: { cookie: globex.cookie, 'x-csrf-token': globex.body.csrfToken } })
  assert.equal(out.status, 200, out.text)
  assert.match(out.headers.get('set-cookie'), /^ig_console=; .*Max-Age=0/)
  t.assertError(await t.api('GET', '/instagram/get-added-accounts', { as: null, headers: { cookie: globex.cookie } }), 401)
})

test('the caption check is the core’s: counts, limits and its message', async () => {
  const { cookie, body } = await signIn(KEYS.acme)
  const headers = { cookie, 'x-csrf-token': body.csrfToken }
  const hashtags = Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ')
  const bad = await t.api('POST', '/console/api/caption', { as: null, headers, body: { caption: hashtags } })
  assert.equal(bad.status, 200, bad.text)
  assert.equal(bad.body.data.hashtags, 31)
  assert.equal(bad.body.data.maxHashtags, 30)
  assert.equal(bad.body.error.field, 'caption')
  assert.match(bad.body.error.message, /31 hashtags; the limit is 30 hashtags/)
  const good = await t.api('POST', '/console/api/caption', { as: null, headers, body: { caption: 'Fresh #bread @alice' } })
  assert.deepEqual(good.body, {
    success: true,
    data: { characters: 19, hashtags: 1, mentions: 1, maxCharacters: 2200, maxHashtags: 30, maxMentions: 20 },
    error: null,
  })
  t.assertError(await t.api('POST', '/console/api/caption', { as: null, headers, body: { caption: 5 } }), 400, { field: 'caption' })
})

test('uploads: only images and videos, served back by their unguessable id', async () => {
  const { cookie, body } = await signIn(KEYS.acme)
  const headers = { cookie, 'x-csrf-token': body.csrfToken }
  const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3])
  const up = await t.api('POST', '/console/api/uploads', { as: null, headers: { ...headers, 'content-type': 'image/png' }, raw: png })
  assert.equal(up.status, 201, up.text)
  assert.equal(up.body.bytes, png.length)
  const served = await fetch(up.body.url)
  assert.equal(served.headers.get('content-type'), 'image/png')
  assert.deepEqual(Buffer.from(await served.arrayBuffer()), png)
  t.assertError(await t.api('POST', '/console/api/uploads', { as: null, headers: { ...headers, 'content-type': 'text/html' }, raw: '<b>' }), 415)
  t.assertError(await t.api('POST', '/console/api/uploads', { as: null, headers: { cookie, 'content-type': 'image/png' }, raw: png }), 403, { code: 'CSRF' })
  t.assertError(await t.api('GET', '/console/uploads/not-an-upload', { as: null }), 404)
})

test('the console page: a CSP that allows only its own scripts, and no caching', async () => {
  const res = await fetch(`${t.base}/console/accounts`)
  assert.equal(res.status, 200)
  const csp = res.headers.get('content-security-policy')
  assert.match(csp, /script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/)
  assert.match(csp, /frame-ancestors 'none'/)
  assert.equal(res.headers.get('cache-control'), 'no-store')
  const root = await fetch(`${t.base}/`, { redirect: 'manual' })
  assert.equal(root.headers.get('location'), '/console/')
  for (const file of ['preact.mjs', 'hooks.mjs', 'htm.mjs', 'uplot.mjs']) {
    const vendor = await fetch(`${t.base}/console/vendor/${file}`)
    assert.equal(vendor.status, 200, file)
    assert.match(vendor.headers.get('content-type'), /javascript/)
  }
  t.assertError(await t.api('GET', '/console/assets/nope.mjs', { as: null }), 404)
})

test('sessions expire when idle or old, and their number is bounded', () => {
  let now = 0
  const sessions = new Sessions({ maxSessions: 3, idleMs: 100, maxAgeMs: 1000, now: () => now })
  const request = (s) => ({ get: (name) => (name === 'cookie' ? `other=1; ig_console=${s.id}` : undefined) })
  const a = sessions.create('acme')
  assert.equal(sessions.fromRequest(request(a))?.companyId, 'acme')
  now = 99
  assert.ok(sessions.fromRequest(request(a)), 'used within the idle time')
  now = 250
  assert.equal(sessions.fromRequest(request(a)), null, 'idle too long')
  const b = sessions.create('acme')
  for (now = 340; now <= 1240; now += 90) assert.ok(sessions.fromRequest(request(b)), `in use at ${now}`)
  now = 1260
  assert.equal(sessions.fromRequest(request(b)), null, 'older than maxAgeMs, though in use')
  const made = Array.from({ length: 5 }, () => sessions.create('acme'))
  assert.equal(sessions.size, 3)
  assert.equal(sessions.fromRequest(request(made[0])), null, 'the oldest was dropped')
  assert.ok(sessions.fromRequest(request(made[4])))
  assert.equal(sessions.csrfMatches(made[4], made[4].csrfToken), true)
  assert.equal(sessions.csrfMatches(made[4], made[3].csrfToken), false)
  assert.equal(sessions.csrfMatches(made[4], undefined), false)
})

test('publish progress: the session’s event stream carries the SDK’s progress events of its company’s publishes', async () => {
  const accounts = (await t.api('GET', '/instagram/get-added-accounts')).body.data
  const igUserId = accounts[0].id
  const { cookie, body } = await signIn(KEYS.acme)
  const other = await signIn(KEYS.globex)
  const streams = []
  for (const c of [cookie, other.cookie]) {
    const abort = new AbortController()
    const res = await fetch(`${t.base}/console/api/events`, { headers: { cookie: c }, signal: abort.signal })
    assert.match(res.headers.get('content-type'), /^text\/event-stream/)
    const stream = { abort, text: '' }
    const reader = res.body.getReader()
    stream.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read()
          if (done) return
          stream.text += Buffer.from(value).toString()
        }
      } catch {
        // aborted
      }
    })()
    streams.push(stream)
  }
  t.assertError(await t.api('GET', '/console/api/events', { as: null }), 401)
  try {
    const published = await t.api('POST', '/instagram/social/post/instagram', {
      as: null,
      headers: { cookie, 'x-csrf-token': body.csrfToken, 'idempotency-key': 'console-progress-1' },
      body: { igUserId, caption: 'Progress #live', imageUrl: 'https://images.example.com/live.jpg' },
    })
    assert.equal(published.status, 201, published.text)
    const { eventually } = await import('./support.mjs')
    const events = await eventually(() => {
      const list = [...streams[0].text.matchAll(/event: publish\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1]))
      return list.some((e) => e.type === 'published') && list
    })
    assert.ok(events, streams[0].text)
    assert.ok(events.every((e) => e.idempotencyKey === 'console-progress-1'))
    assert.equal(events[0].type, 'created')
    assert.equal(events[0].containerId, published.body.mediaId)
    const last = events.at(-1)
    assert.equal(last.type, 'published')
    assert.equal(last.permalink, published.body.permalink)

    // A publish that fails says so on the stream, with the reason.
    const refused = await t.api('POST', '/instagram/reels', {
      as: null,
      headers: { cookie, 'x-csrf-token': body.csrfToken, 'idempotency-key': 'console-progress-2' },
      body: { igUserId, caption: Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' '), videoUrl: 'https://videos.example.com/r.mp4' },
    })
    t.assertError(refused, 400, { field: 'caption' })
    const failed = await eventually(() =>
      [...streams[0].text.matchAll(/event: publish\ndata: (.*)\n/g)].map((m) => JSON.parse(m[1])).find((e) => e.idempotencyKey === 'console-progress-2'),
    )
    assert.equal(failed.type, 'failed')
    assert.match(failed.message, /31 hashtags/)
    assert.ok(!streams[1].text.includes('publish'), 'another company’s stream saw the progress')
  } finally {
    for (const s of streams) s.abort.abort()
  }
})

test('uploads are bounded by count and bytes: the oldest go first', () => {
  const uploads = new Uploads({ maxFiles: 2, maxTotalBytes: 10 })
  const a = uploads.add('image/png', Buffer.alloc(4))
  const b = uploads.add('image/png', Buffer.alloc(4))
  const c = uploads.add('image/png', Buffer.alloc(4))
  assert.equal(uploads.get(a), undefined, 'past the count')
  assert.ok(uploads.get(b) && uploads.get(c))
  const d = uploads.add('video/mp4', Buffer.alloc(9))
  assert.equal(uploads.get(b), undefined)
  assert.equal(uploads.get(c), undefined, 'past the bytes')
  assert.equal(uploads.get(d).contentType, 'video/mp4')
  assert.equal(uploads.total, 9)
  assert.equal(Uploads.kindOf('image/jpeg; charset=binary'), 'image')
  assert.equal(Uploads.kindOf('text/html'), undefined)
})

test('people tagged on an image and a reel: the SDK checks the tags, the routes pass them on', async () => {
  const igUserId = (await t.api('GET', '/instagram/get-added-accounts')).body.data[0].id
  const tag = { username: 'alice.travels', x: 0.5, y: 0.5 }
  const image = await t.api('POST', '/instagram/social/post/instagram', {
    body: { igUserId, caption: 'Tagged', imageUrl: 'https://images.example.com/tag.jpg', userTags: [tag] },
  })
  assert.equal(image.status, 201, image.text)
  const reel = await t.api('POST', '/instagram/reels', { body: { igUserId, videoUrl: 'https://videos.example.com/tag.mp4', userTags: [tag] } })
  assert.equal(reel.status, 201, reel.text)
  // Out of range: the SDK's refusal, before any call; malformed: the route's.
  const outside = await t.api('POST', '/instagram/social/post/instagram', {
    body: { igUserId, imageUrl: 'https://images.example.com/tag.jpg', userTags: [{ ...tag, x: 2 }] },
  })
  t.assertError(outside, 400)
  assert.match(outside.body.error.field, /user_?tags/i)
  for (const userTags of ['alice', [{ username: 'a' }], [null]]) {
    const bad = await t.api('POST', '/instagram/reels', { body: { igUserId, videoUrl: 'https://videos.example.com/tag.mp4', userTags } })
    t.assertError(bad, 400)
    assert.match(bad.body.error.field, /^userTags/)
  }
})
