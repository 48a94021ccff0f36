// The low-level login flows from Node against the in-process sandbox: authorize URLs, code
// exchange, long-lived tokens, refresh, debug_token, revoke, and their errors.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ig } from './package.mjs'

const { Sandbox, Client, FacebookLogin, InstagramLogin, AuthError, GraphApiError, InvalidInputError, ConfigError } = ig

const REDIRECT = 'https://agency.example/instagram/oauth2callback'
// The sandbox's seeded Instagram-Login account (alice.travels).
const IG_TRAVELS = '17841400000000002'
let sandbox
let client

before(async () => {
  sandbox = await Sandbox.start()
  client = new Client({
    appId: sandbox.appId,
    appSecret: sandbox.appSecret,
    mode: 'sandbox',
    sandboxUrl: sandbox.baseUrl,
    redirectUri: REDIRECT,
  })
})

after(async () => {
  await sandbox?.stop()
})

function codeOf(callback) {
  const url = new URL(callback)
  return { code: url.searchParams.get('code'), state: url.searchParams.get('state') }
}

test('Facebook Login: authorize, exchange, long-lived, debugToken, revoke', async () => {
  const login = client.facebookLogin()
  assert.ok(login instanceof FacebookLogin)
  const start = login.authorizeUrl({ state: 'state-fb-1', scopes: ['pages_show_list', 'instagram_basic'], rerequest: true })
  assert.equal(start.state, 'state-fb-1')
  assert.equal(start.redirectUri, REDIRECT)
  assert.deepEqual(start.scopes, ['pages_show_list', 'instagram_basic'])
  const url = new URL(start.url)
  assert.ok(url.pathname.endsWith('/dialog/oauth'), url.pathname)
  assert.equal(url.searchParams.get('client_id'), sandbox.appId)
  assert.equal(url.searchParams.get('auth_type'), 'rerequest')
  assert.equal(url.searchParams.get('scope'), 'pages_show_list,instagram_basic')

  const alice = sandbox.seedUsers[0]
  const callback = await sandbox.consent(start.url, alice.id, true)
  const { code, state } = codeOf(callback)
  assert.equal(state, 'state-fb-1')
  const short = await login.exchangeCode(code, REDIRECT)
  assert.ok(short.accessToken.length > 10)
  assert.ok(short.expiresAt === null || !Number.isNaN(Date.parse(short.expiresAt)))

  // A code is single use.
  await assert.rejects(login.exchangeCode(code, REDIRECT), (e) => {
    assert.ok(e instanceof AuthError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 'AUTH')
    assert.equal(e.field, 'code')
    assert.match(e.message, /FacebookLogin\.exchangeCode failed/)
    assert.ok(!e.message.includes(code), 'the code is not echoed')
    return true
  })

  const long = await login.exchangeLongLived(short.accessToken)
  assert.notEqual(long.accessToken, short.accessToken)
  assert.ok(long.expiresIn > 50 * 86400, JSON.stringify({ ...long, accessToken: '…' }))
  assert.ok(Date.parse(long.expiresAt) > Date.now() + 50 * 86400 * 1000)

  const info = await login.debugToken(long.accessToken)
  assert.equal(info.isValid, true)
  assert.equal(info.appId, sandbox.appId)
  assert.equal(info.userId, alice.id)
  assert.ok(info.scopes.includes('instagram_basic'), info.scopes.join(','))
  assert.ok(Array.isArray(info.granularScopes))

  await login.revoke(long.accessToken)
  const after = await login.debugToken(long.accessToken)
  assert.equal(after.isValid, false)

  // A rejected token: a Graph error with Meta's fields, and never the token in the message.
  await assert.rejects(login.exchangeLongLived('EAAG-not-a-real-token-0000'), (e) => {
    assert.ok(e instanceof GraphApiError, `${e.name}: ${e.message}`)
    assert.equal(typeof e.code, 'number')
    assert.ok('subcode' in e && 'fbtraceId' in e)
    assert.equal(typeof e.errorClass, 'string')
    assert.ok(!e.message.includes('EAAG-not-a-real-token-0000'))
    return true
  })
})

test('Instagram Login: authorize, exchange, long-lived, refresh, debugToken, revoke', async () => {
  const login = client.instagramLogin()
  assert.ok(login instanceof InstagramLogin)
  const start = login.authorizeUrl({
    state: 'state-ig-1',
    scopes: ['instagram_business_basic', 'instagram_business_content_publish'],
    forceAuthentication: true,
    enableFbLogin: false,
  })
  const url = new URL(start.url)
  assert.ok(url.pathname.endsWith('/oauth/authorize'), url.pathname)
  assert.equal(url.searchParams.get('force_authentication'), '1')
  assert.equal(url.searchParams.get('enable_fb_login'), '0')

  const callback = await sandbox.consent(start.url, IG_TRAVELS, true)
  // Meta appends `#_` to the callback; the SDK drops it.
  const code = `${codeOf(callback).code}#_`
  const short = await login.exchangeCode(code, REDIRECT)
  assert.equal(short.userId, IG_TRAVELS)
  assert.ok(short.permissions.includes('instagram_business_basic'))

  const long = await login.exchangeLongLived(short.accessToken)
  assert.equal(long.tokenType, 'bearer')
  assert.ok(long.expiresIn > 50 * 86400)

  // Too young to refresh (Meta: at least 24 hours old): a Graph error, code 100.
  await assert.rejects(login.refresh(long.accessToken), (e) => {
    assert.ok(e instanceof GraphApiError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 100)
    assert.equal(e.httpStatus, 400)
    assert.ok(!e.message.includes(long.accessToken))
    return true
  })
  sandbox.advanceClock(25 * 3600)
  const fresh = await login.refresh(long.accessToken)
  assert.notEqual(fresh.accessToken, long.accessToken)
  assert.ok(fresh.expiresIn > 50 * 86400)

  const info = await login.debugToken(fresh.accessToken)
  assert.equal(info.isValid, true)
  // The sandbox serves DELETE /me/permissions to Facebook users only; on graph.instagram.com it
  // answers Meta's unknown-path error (code 2500), reported as a GraphApiError without the token.
  await assert.rejects(login.revoke(fresh.accessToken), (e) => {
    assert.ok(e instanceof GraphApiError, `${e.name}: ${e.message}`)
    assert.equal(e.code, 2500)
    assert.ok(e.fbtraceId)
    assert.match(e.message, /InstagramLogin\.revoke failed/)
    assert.ok(!e.message.includes(fresh.accessToken))
    return true
  })
})

test('bad arguments and refused options', async () => {
  const fb = client.facebookLogin()
  const ig = client.instagramLogin()
  assert.throws(() => fb.authorizeUrl({ state: '' }), (e) => e instanceof TypeError && e.argument === 'options.state')
  assert.throws(() => fb.authorizeUrl({}), TypeError)
  // Flow-specific options are refused by the other flow, naming the field.
  assert.throws(() => fb.authorizeUrl({ state: 's1', forceAuthentication: true }), (e) => {
    assert.ok(e instanceof InvalidInputError, `${e.name}: ${e.message}`)
    assert.equal(e.field, 'authorize_request')
    assert.equal(e.errorClass, 'invalidInput')
    return true
  })
  assert.throws(() => ig.authorizeUrl({ state: 's1', configId: '123' }), InvalidInputError)
  assert.throws(
    () => fb.authorizeUrl({ state: 's1', redirectUri: 'https://evil.example/cb' }),
    (e) => e instanceof InvalidInputError && e.field === 'redirect_uri' && e.message.includes(REDIRECT),
  )
  await assert.rejects(fb.exchangeCode('', REDIRECT), (e) => e instanceof TypeError && e.argument === 'code')
  await assert.rejects(fb.exchangeCode('abc', ' '), (e) => e instanceof TypeError && e.argument === 'redirectUri')
  await assert.rejects(fb.exchangeLongLived(''), (e) => e instanceof TypeError && e.argument === 'shortToken')
  await assert.rejects(fb.debugToken(''), (e) => e instanceof TypeError && e.argument === 'token')
  await assert.rejects(fb.revoke(''), (e) => e instanceof TypeError && e.argument === 'userToken')
  await assert.rejects(ig.refresh(''), (e) => e instanceof TypeError && e.argument === 'longLivedToken')
  await assert.rejects(async () => ig.exchangeCode(42, REDIRECT), TypeError)

  // Without the app secret, the calls that need it fail as configuration errors.
  const noSecret = new Client({ appId: sandbox.appId, mode: 'sandbox', sandboxUrl: sandbox.baseUrl, redirectUri: REDIRECT })
  await assert.rejects(noSecret.facebookLogin().exchangeCode('abc', REDIRECT), (e) => {
    assert.ok(e instanceof ConfigError, `${e.name}: ${e.message}`)
    assert.equal(e.field, 'app_secret')
    return true
  })
})
