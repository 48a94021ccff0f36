// Connecting, listing, adding, assigning, removing and disconnecting accounts; tenancy.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend, TOKEN_PATTERN, KEYS } from './support.mjs'

let t
let acme
let globex
let acmeIds
let globexIds

before(async () => {
  t = await startBackend()
  acme = await t.connect('acme', 0) // Alice: two Pages and a business portfolio
  globex = await t.connect('globex', 1) // Bob: one Page
  const list = async (company, tokenId) =>
    (await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`, { as: company })).body.data.accounts.map(
      (a) => a.id,
    )
  acmeIds = await list('acme', acme.tokenId)
  globexIds = await list('globex', globex.tokenId)
})

after(async () => {
  await t?.stop()
})

test('the token scan would catch a real sandbox token', async () => {
  const token = await t.mintToken()
  assert.match(token, TOKEN_PATTERN)
  assert.throws(() => t.assertNoSecrets(`{"x":"${token}"}`, 'a test string'))
})

test('the callback redirected with a token id and the accounts were discovered', () => {
  assert.match(acme.tokenId, /\S/)
  assert.ok(acme.accounts >= 3, `Alice reaches 3 accounts, got ${acme.accounts}`)
  assert.equal(globex.accounts, 1)
  assert.notEqual(acme.tokenId, globex.tokenId)
  assert.equal(acmeIds.filter((id) => globexIds.includes(id)).length, 0, 'the two companies have distinct accounts')
})

test('GET /instagram/auth/url: shape, authentication and bad input', async () => {
  const ok = await t.api('GET', '/instagram/auth/url?companyId=acme&scopes=instagram_basic,pages_show_list')
  assert.equal(ok.status, 200)
  assert.deepEqual(Object.keys(ok.body).sort(), ['clientId', 'expectedRedirectUri', 'expiresAt', 'redirectURIs', 'scopes', 'success', 'url'].sort())
  assert.equal(ok.body.success, true)
  assert.equal(ok.body.clientId, t.sandbox.appId)
  assert.deepEqual(ok.body.scopes, ['instagram_basic', 'pages_show_list'])
  assert.equal(ok.body.expectedRedirectUri, `${t.base}/instagram/oauth2callback`)
  assert.deepEqual(ok.body.redirectURIs, [`${t.base}/instagram/oauth2callback`])
  const url = new URL(ok.body.url)
  assert.equal(url.searchParams.get('client_id'), t.sandbox.appId)
  assert.equal(url.searchParams.get('redirect_uri'), ok.body.expectedRedirectUri)
  assert.ok(url.searchParams.get('state'))

  // The redirect URI may be named if it is a configured one.
  const named = await t.api('GET', `/instagram/auth/url?companyId=acme&redirectURIs=${encodeURIComponent(ok.body.expectedRedirectUri)}`)
  assert.equal(named.status, 200)
  t.assertError(await t.api('GET', '/instagram/auth/url?companyId=acme&redirectURIs=https://evil.example/cb'), 400, {
    field: 'redirectURIs',
  })
  t.assertError(await t.api('GET', '/instagram/auth/url'), 400, { code: 'INVALID_INPUT', field: 'companyId' })
  t.assertError(await t.api('GET', '/instagram/auth/url?companyId=acme&login=myspace'), 400, { field: 'login' })
  t.assertError(await t.api('GET', '/instagram/auth/url?companyId=acme&agencyClientId=builder-client'), 400, {
    field: 'agencyClientId',
  })
  // Another company's id with my key: refused.
  t.assertError(await t.api('GET', '/instagram/auth/url?companyId=globex'), 403, { code: 'FORBIDDEN', field: 'companyId' })
  // No key, a wrong key: 401. Bearer works like x-api-key.
  t.assertError(await t.api('GET', '/instagram/auth/url?companyId=acme', { as: null }), 401, { code: 'UNAUTHENTICATED' })
  t.assertError(await t.api('GET', '/instagram/auth/url?companyId=acme', { as: 'not-a-key-at-all' }), 401)
  const bearer = await t.api('GET', '/instagram/auth/url?companyId=acme', {
    as: null,
    headers: { authorization: `Bearer ${KEYS.acme}` },
  })
  assert.equal(bearer.status, 200)
})

test('GET /instagram/oauth2callback: failures redirect to the error page, never with a token', async () => {
  const errorPage = `${t.base}/console/connect`
  // A replayed callback: the state is single use.
  const auth = await t.api('GET', '/instagram/auth/url?companyId=acme')
  const callback = await t.sandbox.consent(auth.body.url, t.sandbox.seedUsers[0].id, true)
  const first = await t.api('GET', callback, { as: null })
  assert.equal(first.status, 302)
  assert.ok(first.location.startsWith(`${t.base}/console/connect?tokenId=`))
  const replay = await t.api('GET', callback, { as: null })
  assert.equal(replay.status, 302)
  assert.ok(replay.location.startsWith(`${errorPage}?`), replay.location)
  assert.equal(new URL(replay.location).searchParams.get('error'), 'invalid_state')

  // The user denies consent.
  const again = await t.api('GET', '/instagram/auth/url?companyId=acme')
  const denied = await t.sandbox.consent(again.body.url, t.sandbox.seedUsers[0].id, false)
  const deniedBack = await t.api('GET', denied, { as: null })
  assert.equal(deniedBack.status, 302)
  assert.equal(new URL(deniedBack.location).searchParams.get('error'), 'access_denied')

  // Garbage: no state, a made-up state.
  for (const query of ['', '?code=abc', '?code=abc&state=made-up']) {
    const res = await t.api('GET', `/instagram/oauth2callback${query}`, { as: null })
    assert.equal(res.status, 302, query)
    assert.ok(res.location.startsWith(`${errorPage}?`), res.location)
    assert.equal(new URL(res.location).searchParams.get('error'), 'invalid_state', res.location)
  }
})

test('GET /instagram/oauth2callback: no query text reaches the redirect, only a fixed message per code', async () => {
  const errorPage = `${t.base}/console/connect`
  const attack = '<script>alert(1)</script> Your account is locked: call +1-555-0100 or visit https://evil.example/login'
  const freshState = async () => new URL((await t.api('GET', '/instagram/auth/url?companyId=acme')).body.url).searchParams.get('state')
  const cases = [
    [{ error: 'access_denied', error_reason: 'user_denied', error_description: attack }, 'access_denied'],
    [{ error: attack, error_reason: attack, error_description: attack }, 'authorization_failed'],
    [{ error_code: '200', error_message: attack }, 'authorization_failed'],
    [{ code: 'made-up-code', error_description: attack }, 'invalid_code'],
    [{ code: attack, state: attack, error_description: attack }, 'invalid_state'],
  ]
  const messages = new Map()
  for (const [params, expected] of cases) {
    const query = new URLSearchParams({ state: await freshState(), ...params })
    const res = await t.api('GET', `/instagram/oauth2callback?${query}`, { as: null })
    assert.equal(res.status, 302, res.text)
    assert.ok(res.location.startsWith(`${errorPage}?`), res.location)
    const back = new URL(res.location)
    assert.deepEqual([...back.searchParams.keys()].sort(), ['error', 'message'], res.location)
    assert.equal(back.searchParams.get('error'), expected, res.location)
    for (const piece of ['script', '555', 'evil.example', 'locked']) {
      assert.ok(!res.location.includes(piece) && !decodeURIComponent(res.location).includes(piece), `${piece} in ${res.location}`)
    }
    messages.set(expected, back.searchParams.get('message'))
  }
  // One fixed sentence per code; the one for the user's refusal is its own.
  assert.equal(new Set(messages.values()).size, messages.size, [...messages.values()].join(' | '))
})

test('GET /instagram/get-accounts-businesses and /instagram/businesses', async () => {
  const res = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}&access_token=ignored`)
  assert.equal(res.status, 200, res.text)
  assert.equal(res.body.success, true)
  const { accounts, businesses } = res.body.data
  assert.ok(Array.isArray(accounts) && accounts.length >= 3)
  for (const a of accounts) {
    for (const key of ['id', 'username', 'profilePic', 'followers', 'accountType', 'source', 'isAdded']) assert.ok(key in a, key)
  }
  assert.ok(accounts.some((a) => a.username === 'alice.bakery'))
  assert.ok(Array.isArray(businesses) && businesses.length >= 1)
  assert.ok(businesses[0].id && businesses[0].instagramAccounts.length >= 1)
  // The old name of the parameter works too.
  const old = await t.api('GET', `/instagram/get-accounts-businesses?userAccessTokenId=${acme.tokenId}`)
  assert.equal(old.status, 200)

  const pages = await t.api('GET', `/instagram/businesses?tokenId=${acme.tokenId}`)
  assert.equal(pages.status, 200, pages.text)
  assert.equal(pages.body.success, true)
  assert.ok(pages.body.pages.length >= 1)
  for (const p of pages.body.pages) {
    assert.ok(p.businessId)
    assert.ok(['owned', 'client'].includes(p.relation))
    assert.ok(p.instagramBusinessAccount.id)
  }

  // Without a token id: the accounts found at connection time, from the store.
  const stored = await t.api('GET', '/instagram/get-accounts-businesses')
  assert.equal(stored.status, 200, stored.text)
  assert.deepEqual(stored.body.data.accounts.map((a) => a.id).sort(), accounts.map((a) => a.id).sort())
  const alice = await t.api('GET', `/instagram/get-accounts-businesses?facebookUserId=${t.sandbox.seedUsers[0].id}`)
  assert.equal(alice.body.data.accounts.length, accounts.length)
  const bob = await t.api('GET', `/instagram/get-accounts-businesses?facebookUserId=${t.sandbox.seedUsers[1].id}`)
  assert.deepEqual(bob.body.data.accounts, [], 'Bob is not a user of acme')
  const theirs = await t.api('GET', '/instagram/get-accounts-businesses', { as: 'globex' })
  assert.deepEqual(theirs.body.data.accounts.map((a) => a.id), globexIds)
  t.assertError(await t.api('GET', '/instagram/get-accounts-businesses?tokenId=../../x'), 400, { field: 'tokenId' })
  t.assertError(await t.api('GET', '/instagram/businesses?tokenId=a/b'), 400, { field: 'tokenId' })
  // Company B's key on company A's connection.
  const cross = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`, { as: 'globex' })
  assert.ok([403, 404].includes(cross.status), cross.text)
  t.assertError(cross, cross.status)
  const crossPages = await t.api('GET', `/instagram/businesses?tokenId=${acme.tokenId}`, { as: 'globex' })
  assert.ok([403, 404].includes(crossPages.status), crossPages.text)
})

test('POST /instagram/add-instagram-account and GET /instagram/get-added-accounts', async () => {
  const empty = await t.api('GET', '/instagram/get-added-accounts', { as: 'globex' })
  assert.deepEqual(empty.body.data, [])

  const add = await t.api('POST', '/instagram/add-instagram-account', {
    body: { companyId: 'acme', instagramAccounts: acmeIds.map((id) => ({ id, username: 'whatever' })) },
  })
  assert.equal(add.status, 200, add.text)
  assert.deepEqual(Object.keys(add.body).sort(), ['message', 'success', 'updatedCount'])
  assert.equal(add.body.updatedCount, acmeIds.length)

  const added = await t.api('GET', '/instagram/get-added-accounts?companyId=acme&access_token=ignored')
  assert.equal(added.status, 200)
  assert.equal(added.body.data.length, acmeIds.length)
  for (const a of added.body.data) {
    for (const key of ['id', 'username', 'profilePic', 'followers', 'accountType', 'assignedClient']) assert.ok(key in a, key)
  }
  // Search, sort and pagination (the config table's needs).
  const found = await t.api('GET', '/instagram/get-added-accounts?search=BAKERY')
  assert.deepEqual(found.body.data.map((a) => a.username), ['alice.bakery'])
  const sorted = await t.api('GET', '/instagram/get-added-accounts?sortBy=followers&descending=true&limit=2')
  assert.equal(sorted.body.data.length, 2)
  assert.equal(sorted.body.total, acmeIds.length)
  assert.ok(sorted.body.data[0].followers >= sorted.body.data[1].followers)
  t.assertError(await t.api('GET', '/instagram/get-added-accounts?sortBy=mood'), 400, { field: 'sortBy' })
  t.assertError(await t.api('GET', '/instagram/get-added-accounts?limit=0'), 400, { field: 'limit' })
  const bakery = added.body.data.find((a) => a.username === 'alice.bakery')
  assert.equal(bakery.followers, 5120)
  assert.equal(bakery.profilePic === null || typeof bakery.profilePic === 'string', true)
  assert.equal(bakery.assignedClient, null)

  // Company B cannot add A's accounts, nor pretend to be A; A's list shows nothing of B.
  t.assertError(
    await t.api('POST', '/instagram/add-instagram-account', { as: 'globex', body: { instagramAccounts: [{ id: acmeIds[0] }] } }),
    404,
    { code: 'NOT_FOUND', field: 'instagramAccounts' },
  )
  t.assertError(
    await t.api('POST', '/instagram/add-instagram-account', { as: 'globex', body: { companyId: 'acme', instagramAccounts: [{ id: acmeIds[0] }] } }),
    403,
    { field: 'companyId' },
  )
  t.assertError(await t.api('GET', '/instagram/get-added-accounts?companyId=acme', { as: 'globex' }), 403)
  const globexAdd = await t.api('POST', '/instagram/add-instagram-account', { as: 'globex', body: { instagramAccounts: globexIds } })
  assert.equal(globexAdd.body.updatedCount, 1)
  const globexList = await t.api('GET', '/instagram/get-added-accounts', { as: 'globex' })
  assert.deepEqual(globexList.body.data.map((a) => a.id), globexIds)

  // Bad input.
  for (const body of [{}, { instagramAccounts: [] }, { instagramAccounts: 'x' }, { instagramAccounts: [{ id: 42 }] }, { instagramAccounts: [{}] }]) {
    t.assertError(await t.api('POST', '/instagram/add-instagram-account', { body }), 400, { field: 'instagramAccounts' })
  }
})

test('clients, assignment to clients, and the assignments list', async () => {
  const clients = await t.api('GET', '/instagram/clients/available?companyId=acme')
  assert.equal(clients.status, 200)
  assert.deepEqual(clients.body.data, [
    { id: 'bakery-client', name: 'The Bakery' },
    { id: 'travel-client', name: 'Travel Co' },
  ])
  const theirs = await t.api('GET', '/instagram/clients/available', { as: 'globex' })
  assert.deepEqual(theirs.body.data.map((c) => c.id), ['builder-client'])

  const assign = await t.api('POST', '/instagram/accounts/assign-to-client', {
    body: { companyId: 'acme', clientId: 'bakery-client', accountIds: [acmeIds[0]] },
  })
  assert.equal(assign.status, 200, assign.text)
  assert.equal(assign.body.success, true)
  assert.equal(assign.body.updatedCount, 1)
  assert.equal(typeof assign.body.message, 'string')

  const list = await t.api('GET', '/instagram/accounts/assignments?companyId=acme')
  assert.equal(list.status, 200)
  assert.deepEqual(
    list.body.data.map((a) => [a.igUserId, a.clientId, a.client.name]),
    [[acmeIds[0], 'bakery-client', 'The Bakery']],
  )
  const added = await t.api('GET', '/instagram/get-added-accounts')
  assert.deepEqual(added.body.data.find((a) => a.id === acmeIds[0]).assignedClient, { id: 'bakery-client', name: 'The Bakery' })

  // Tenancy: B cannot assign A's accounts, nor use A's clients; A sees none of B's assignments.
  t.assertError(
    await t.api('POST', '/instagram/accounts/assign-to-client', {
      as: 'globex',
      body: { clientId: 'builder-client', accountIds: [acmeIds[1]] },
    }),
    404,
    { field: 'accountIds' },
  )
  t.assertError(
    await t.api('POST', '/instagram/accounts/assign-to-client', { body: { clientId: 'builder-client', accountIds: [acmeIds[1]] } }),
    404,
    { field: 'clientId' },
  )
  const theirList = await t.api('GET', '/instagram/accounts/assignments', { as: 'globex' })
  assert.deepEqual(theirList.body.data, [])
  // Bad input.
  t.assertError(await t.api('POST', '/instagram/accounts/assign-to-client', { body: { clientId: 'bakery-client' } }), 400, {
    field: 'accountIds',
  })
  t.assertError(await t.api('POST', '/instagram/accounts/assign-to-client', { body: { accountIds: [acmeIds[0]] } }), 400, {
    field: 'clientId',
  })
})

test('DELETE /instagram/accounts/:id/assignment unassigns', async () => {
  const res = await t.api('DELETE', `/instagram/accounts/${acmeIds[0]}/assignment`)
  assert.equal(res.status, 200, res.text)
  assert.equal(res.body.updatedCount, 1)
  const list = await t.api('GET', '/instagram/accounts/assignments')
  assert.deepEqual(list.body.data, [])
  const cross = await t.api('DELETE', `/instagram/accounts/${acmeIds[0]}/assignment`, { as: 'globex' })
  t.assertError(cross, 404)
})

test('GET /instagram/connections/:tokenId/status', async () => {
  const res = await t.api('GET', `/instagram/connections/${acme.tokenId}/status`)
  assert.equal(res.status, 200, res.text)
  assert.equal(res.body.success, true)
  assert.equal(res.body.data.tokenId, acme.tokenId)
  assert.equal(res.body.data.valid, true)
  assert.ok(Array.isArray(res.body.data.scopes))
  const cross = await t.api('GET', `/instagram/connections/${acme.tokenId}/status`, { as: 'globex' })
  assert.ok([403, 404].includes(cross.status), cross.text)
})

test('DELETE /instagram/accounts/:id removes an account of the company only', async () => {
  const victim = acmeIds.at(-1)
  t.assertError(await t.api('DELETE', `/instagram/accounts/${victim}`, { as: 'globex' }), 404)
  const res = await t.api('DELETE', `/instagram/accounts/${victim}`)
  assert.equal(res.status, 200, res.text)
  assert.equal(res.body.success, true)
  const added = await t.api('GET', '/instagram/get-added-accounts')
  assert.ok(!added.body.data.some((a) => a.id === victim))
  t.assertError(await t.api('DELETE', `/instagram/accounts/${victim}`), 404)
  t.assertError(await t.api('DELETE', '/instagram/accounts/..%2Fx'), 400)
})

test('POST /instagram/disconnect revokes the connection of the company only', async () => {
  t.assertError(await t.api('POST', '/instagram/disconnect', { as: 'globex', body: { tokenId: acme.tokenId } }), 404)
  t.assertError(await t.api('POST', '/instagram/disconnect', { body: {} }), 400, { field: 'tokenId' })
  const res = await t.api('POST', '/instagram/disconnect', { as: 'globex', body: { tokenId: globex.tokenId } })
  assert.equal(res.status, 200, res.text)
  assert.equal(res.body.success, true)
  assert.equal(res.body.revoked, true)
  assert.equal(res.body.accountsRemoved, 1)
  const after = await t.api('GET', '/instagram/get-added-accounts', { as: 'globex' })
  assert.deepEqual(after.body.data, [])
  // A's accounts are untouched.
  const mine = await t.api('GET', '/instagram/get-added-accounts')
  assert.ok(mine.body.data.length >= 2)
})

test('Instagram Login: one account, its own token; the same account in two companies stays apart', async () => {
  const auth = await t.api('GET', '/instagram/auth/url?companyId=globex&login=instagram', { as: 'globex' })
  assert.equal(auth.status, 200, auth.text)
  assert.ok(auth.body.scopes.every((s) => s.startsWith('instagram_business_')), auth.body.scopes.join())
  const acmeBefore = (await t.api('GET', '/instagram/get-added-accounts')).body.data
  const back = await t.api('GET', await t.sandbox.consent(auth.body.url, '17841400000000002', true), { as: null })
  assert.equal(back.status, 302, back.text)
  const location = new URL(back.location)
  assert.equal(location.searchParams.get('login'), 'instagram')
  assert.equal(location.searchParams.get('accounts'), '1')
  const tokenId = location.searchParams.get('tokenId')
  // Discovery is a Facebook Login thing: a clear 400 naming the parameter.
  t.assertError(await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`, { as: 'globex' }), 400, {
    field: 'tokenId',
  })
  const stored = await t.api('GET', '/instagram/get-accounts-businesses', { as: 'globex' })
  assert.deepEqual(stored.body.data.accounts.map((a) => [a.id, a.source]), [['17841400000000002', 'instagram_login']])
  await t.api('POST', '/instagram/add-instagram-account', { as: 'globex', body: { instagramAccounts: ['17841400000000002'] } })
  const media = await t.api('GET', '/instagram/media?igUserId=17841400000000002&limit=1', { as: 'globex' })
  assert.equal(media.status, 200, media.text)
  // acme's rows (alice.travels among them, with acme's own token) are untouched.
  const acmeAfter = (await t.api('GET', '/instagram/get-added-accounts')).body.data
  assert.deepEqual(acmeAfter, acmeBefore)
  assert.ok(acmeAfter.every((a) => a.tokenId !== tokenId))
  // globex cannot disconnect acme's connection, nor acme globex's.
  t.assertError(await t.api('POST', '/instagram/disconnect', { body: { tokenId } }), 404)
})

test('an expired connection answers 401 RECONNECT_REQUIRED, and its status says why', async () => {
  // 70 days later (sandbox clock): the long-lived user token has expired.
  const res = await fetch(`${t.sandbox.baseUrl}/__sandbox/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance_seconds: 70 * 86400 }),
  })
  assert.equal(res.status, 200)
  const discover = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${acme.tokenId}`)
  t.assertError(discover, 401, { code: 'RECONNECT_REQUIRED' })
  const status = await t.api('GET', `/instagram/connections/${acme.tokenId}/status`)
  assert.equal(status.status, 200, status.text)
  assert.equal(status.body.data.valid, false)
  assert.match(status.body.data.reason, /expired/)
})

test('every response so far was scanned for tokens', () => {
  assert.ok(t.seen.responses > 40, `${t.seen.responses} responses`)
})
