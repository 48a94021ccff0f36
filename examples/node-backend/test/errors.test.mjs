// Bad input on every route: a 4xx with { success: false, error: { message, code, field? } },
// never a 500; configuration errors at start-up.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { startBackend, servedRoutes } from './support.mjs'

const require = createRequire(import.meta.url)
const ig = require('instagraph')
const { createApp } = require('../src/app.js')
const { loadConfig, ConfigurationError } = require('../src/config.js')
const { errorBody, errorMiddleware } = require('../src/errors.js')

let t
let bakery

before(async () => {
  t = await startBackend()
  // Thousands of calls: no app throttling (one test below turns it back on).
  await t.sandboxConfig({ app_call_budget_per_hour: 0, business_call_budget_per_day: 0 })
  // A connected company with added accounts, so that bad input reaches past the account check.
  const acme = await t.connect('acme', 0)
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`)
  await t.api('POST', '/instagram/add-instagram-account', { body: { instagramAccounts: found.body.data.accounts } })
  bakery = found.body.data.accounts.find((a) => a.username === 'alice.bakery').id
})

after(async () => {
  await t?.stop()
})

test('malformed bodies, unknown routes and wrong methods', async () => {
  const malformed = await t.api('POST', '/instagram/add-instagram-account', {
    raw: '{"instagramAccounts": [',
    headers: { 'content-type': 'application/json' },
  })
  t.assertError(malformed, 400, { code: 'MALFORMED_JSON' })
  const huge = await t.api('POST', '/instagram/social/post/instagram', {
    raw: JSON.stringify({ caption: 'x'.repeat(300_000) }),
    headers: { 'content-type': 'application/json' },
  })
  t.assertError(huge, 413)
  t.assertError(await t.api('GET', '/instagram/nope'), 404, { code: 'NOT_FOUND' })
  t.assertError(await t.api('PATCH', '/instagram/media/1'), 404)
  t.assertError(await t.api('GET', '/nowhere', { as: null }), 404)
  // Unauthenticated requests learn nothing about routes or input.
  t.assertError(await t.api('POST', '/instagram/social/post/instagram', { as: null, body: {} }), 401)
})

test('no route answers 500 to bad input', async () => {
  const weird = [undefined, null, 42, true, {}, 'x'.repeat(5000), '../../etc', { $gt: '' }, ['a', 'b']]
  // Every route the app serves, read from its router, so that a new route is covered at once;
  // left out: Meta's own webhook deliveries (signed, tested in webhooks.test.mjs).
  const routes = servedRoutes(t.app).filter(([, path]) => path !== '/instagram/webhooks')
  assert.ok(routes.length >= 60, `${routes.length} routes found in the router`)
  const fields = ['companyId', 'igUserId', 'instagramBusinessId', 'imageUrl', 'caption', 'tokenId', 'clientId', 'accountIds',
    'instagramAccounts', 'items', 'publishAt', 'message', 'text', 'commentsEnabled', 'metrics', 'limit', 'mediaIds', 'videoUrl',
    'after', 'url', 'q', 'tags', 'reason', 'fields', 'iceBreakers', 'menu', 'action', 'quickReplies', 'template',
    'trialParams', 'collaborators', 'withinDays', 'recipientId']
  let checked = 0
  for (const [method, path] of routes) {
    for (const value of weird) {
      for (const field of fields) {
        const body = value === undefined ? {} : { igUserId: bakery, [field]: value }
        const query = new URLSearchParams({ igUserId: bakery })
        query.set(field, typeof value === 'string' ? value : JSON.stringify(value))
        const res = method === 'GET' || method === 'DELETE'
          ? await t.api(method, `${path}?${query}`)
          : await t.api(method, path, { body })
        assert.ok(res.status >= 200 && res.status < 500, `${method} ${path} ${field}=${JSON.stringify(value)} → ${res.status} ${res.text}`)
        if (res.status >= 400) {
          try { t.assertError(res, res.status) } catch (e) { e.message = `${method} ${path} ${field}=${JSON.stringify(value)}: ${e.message}`; throw e }
        }
        checked++
      }
    }
  }
  assert.ok(checked > 15000, `${checked} requests`)
})

test('Meta throttling becomes a 429 with the error class, not a 500', async () => {
  await t.sandboxConfig({ app_call_budget_per_hour: 1 })
  try {
    const res = await t.api('GET', `/instagram/media?igUserId=${bakery}`)
    t.assertError(res, 429, { code: 'GRAPH_API_ERROR' })
    assert.equal(res.body.error.errorClass, 'throttled')
  } finally {
    await t.sandboxConfig({ app_call_budget_per_hour: 0 })
  }
})

test('configuration errors name the setting at start-up', () => {
  const base = { instagram: { appId: '1', redirectUri: 'https://x.example/cb' } }
  assert.throws(() => createApp({ ...base }), (e) => e instanceof ConfigurationError && e.setting === 'COMPANY_API_KEYS')
  assert.throws(() => createApp({ ...base, companies: { acme: { apiKeys: ['short'] } } }), /shorter than 8/)
  assert.throws(
    () => createApp({ ...base, companies: { a: { apiKeys: ['same-key-123'] }, b: { apiKeys: ['same-key-123'] } } }),
    /both "a" and "b"/,
  )
  assert.throws(() => createApp({ companies: { a: { apiKeys: ['a-long-key'] } } }), (e) => e.setting === 'INSTAGRAM_APP_ID')
  assert.throws(() => loadConfig({ COMPANY_API_KEYS: 'nocolon' }), (e) => e.setting === 'COMPANY_API_KEYS')
  // The message names the entry, never its text: a malformed entry may still be a key.
  assert.throws(
    () => loadConfig({ COMPANY_API_KEYS: 'acme:fine-key-123,acme-secret-key-typo' }),
    (e) => e.setting === 'COMPANY_API_KEYS' && /entry 2/.test(e.message) && !e.message.includes('secret-key-typo'),
  )
  assert.throws(() => loadConfig({ COMPANY_CLIENTS: '{nope' }), (e) => e.setting === 'COMPANY_CLIENTS')
  assert.throws(
    () => loadConfig({ COMPANY_CLIENTS: '{"acme": ["a-secret-key-here"' }),
    (e) => e.setting === 'COMPANY_CLIENTS' && !e.message.includes('secret'),
  )
  for (const bad of ['-1', 'soon', '1.5', String(2 ** 31)]) {
    assert.throws(
      () => createApp({ ...loadConfig({ TOKEN_SWEEP_INTERVAL_MS: bad }), ...base, companies: { a: { apiKeys: ['a-long-key'] } } }),
      (e) => e.setting === 'TOKEN_SWEEP_INTERVAL_MS',
      bad,
    )
  }
  const config = loadConfig({
    COMPANY_API_KEYS: 'acme:key-one-123,globex:key-two-123,acme:key-three-123',
    COMPANY_CLIENTS: '{"acme":[{"id":"bakery","name":"Bakery"}],"globex":["solo"]}',
    INSTAGRAM_APP_ID: '123',
    INSTAGRAM_REDIRECT_URI: 'https://agency.example/instagram/oauth2callback',
  })
  assert.deepEqual(config.companies.acme.apiKeys, ['key-one-123', 'key-three-123'])
  assert.deepEqual(config.companies.acme.clients, [{ id: 'bakery', name: 'Bakery' }])
  const app = createApp({ ...config, log: () => {} })
  assert.deepEqual(app.locals.config.companies.globex.clients, [{ id: 'solo', name: 'solo' }])
})

test('a list given as anything but a JSON array in a body is a 400 naming it, on every route taking one', async () => {
  const routes = [
    ['/instagram/accounts/assign-to-client', { clientId: 'bakery-client' }, 'accountIds'],
    ['/instagram/add-instagram-account', {}, 'accountIds'],
    ['/instagram/add-instagram-account', {}, 'instagramAccounts'],
    ['/instagram/carousels', { igUserId: bakery }, 'items'],
    ['/instagram/schedule', { igUserId: bakery, kind: 'carousel', publishAt: new Date().toISOString() }, 'items'],
  ]
  for (const [path, base, name] of routes) {
    for (const value of ['nope', bakery, `${bakery},${bakery}`, 42, { 0: bakery }, true]) {
      const res = await t.api('POST', path, { body: { ...base, [name]: value } })
      t.assertError(res, 400, { field: name })
    }
  }
  // The query string keeps its comma lists.
  const ok = await t.api('GET', '/instagram/auth/url?companyId=acme&scopes=instagram_basic,pages_show_list')
  assert.equal(ok.status, 200, ok.text)
})

test('5xx bodies say what failed in words for people, never the error\'s own text; the log gets it', () => {
  const internal = 'error returned from database: (code: 14) unable to open /var/lib/agency/ig.db: os error 2'
  const cases = [
    [new ig.StoreError(`AccountManager.accounts failed: store backend error: ${internal}`, { code: 'STORE' }), 503, 'STORE_UNAVAILABLE'],
    // A setting found missing at request time is the operator's to fix: 500, not 400 INVALID_INPUT.
    [new ig.ConfigError(`invalid configuration app_secret: is not set; ${internal}`, { code: 'CONFIG', field: 'app_secret' }), 500, 'CONFIG'],
    [new ig.HttpError(`HTTP failure on GET /me: ${internal}`, { code: 'HTTP' }), 502, 'UPSTREAM'],
    [new ig.DecodeError(`could not decode: ${internal}`, { code: 'DECODE' }), 502, 'UPSTREAM'],
    [new ig.InstagraphError(`Worker.start: internal panic: ${internal}`, { code: 'BINDING' }), 500, 'INTERNAL'],
    [new ig.GraphApiError(`Graph API error: ${internal}`, { code: 2, errorClass: 'transient' }), 503, 'GRAPH_API_ERROR'],
    [new ig.PublishError(`publishing failed: ${internal}`, { code: 'PUBLISH', errorClass: 'transient' }), 502, 'PUBLISH_FAILED'],
    // A bug of the service (a TypeError the SDK did not raise for an argument) is not bad input.
    [new TypeError(`Cannot read properties of undefined (reading '${internal}')`), 500, 'INTERNAL'],
    [new Error(internal), 500, 'INTERNAL'],
  ]
  for (const [err, status, code] of cases) {
    const out = errorBody(err)
    assert.equal(out.status, status, `${err.name}: ${JSON.stringify(out.body)}`)
    assert.equal(out.body.error.code, code)
    assert.equal(out.body.error.field, undefined, 'no internal setting name')
    const text = JSON.stringify(out.body)
    for (const piece of ['returned from database', 'code: 14', 'os error', '/var/lib', 'panic', 'app_secret', 'Cannot read']) {
      assert.ok(!text.includes(piece), `${piece} in ${text}`)
    }
    assert.match(out.body.error.message, /^[A-Z][^{}]+[.;]/, 'a sentence')
  }
  // The detail goes to the log.
  const lines = []
  const res = { headersSent: false, status: () => res, json: () => res }
  errorMiddleware((line) => lines.push(line))(cases[0][0], { method: 'GET', path: '/instagram/x' }, res, () => {})
  assert.equal(lines.length, 1)
  assert.ok(lines[0].includes(internal), lines[0])
  // Argument errors the SDK raised stay 400s naming the argument.
  const arg = new TypeError('Scheduler.schedule: invalid argument `publishAt`: out of range')
  arg.code = 'ERR_INVALID_ARG_VALUE'
  arg.argument = 'publishAt'
  assert.deepEqual([errorBody(arg).status, errorBody(arg).body.error.field], [400, 'publishAt'])
})
