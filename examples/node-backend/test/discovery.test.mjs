// Profiles and business discovery; bad input (4xx, never 5xx) and tenancy on each route.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend } from './support.mjs'

let t
let bakery // acme's account
let bob // globex's account

async function addAll(company, tokenId) {
  const found = await t.api('GET', `/instagram/get-accounts-businesses?tokenId=${tokenId}`, { as: company })
  assert.equal(found.status, 200, found.text)
  const accounts = found.body.data.accounts
  await t.api('POST', '/instagram/add-instagram-account', { as: company, body: { instagramAccounts: accounts } })
  return accounts
}

before(async () => {
  t = await startBackend()
  const acme = await t.connect('acme', 0)
  const globex = await t.connect('globex', 1)
  bakery = (await addAll('acme', acme.tokenId)).find((a) => a.username === 'alice.bakery').id
  bob = (await addAll('globex', globex.tokenId))[0].id
})

after(async () => {
  await t?.stop()
})

/** Company B's key on company A's account: 403 or 404, with the error shape. */
function refused(res) {
  assert.ok([403, 404].includes(res.status), `expected 403/404, got ${res.status}: ${res.text}`)
  t.assertError(res, res.status)
}

test('GET /instagram/accounts/:igUserId/profile reads the account\'s own profile', async () => {
  const res = await t.api('GET', `/instagram/accounts/${bakery}/profile`)
  assert.equal(res.status, 200, res.text)
  const p = res.body.data
  assert.equal(p.id, bakery)
  assert.equal(p.username, 'alice.bakery')
  for (const key of ['name', 'biography', 'website', 'profilePictureUrl', 'followersCount', 'followsCount', 'mediaCount']) {
    assert.ok(p[key] !== undefined, `${key} in ${res.text}`)
  }
  refused(await t.api('GET', `/instagram/accounts/${bakery}/profile`, { as: 'globex' }))
  t.assertError(await t.api('GET', '/instagram/accounts/not%20an%20id/profile'), 400, { field: 'igUserId' })
  refused(await t.api('GET', '/instagram/accounts/17849999999999999/profile'))
})

test('GET /instagram/accounts/:igUserId/discovery/:username pages another account\'s media', async () => {
  const first = await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=2`)
  assert.equal(first.status, 200, first.text)
  assert.equal(first.body.data.id, bob)
  assert.equal(first.body.data.username, 'bob.builds')
  assert.equal(first.body.media.length, 2)
  assert.equal(first.body.paging.hasNext, true)
  const seen = first.body.media.map((m) => m.id)
  let after = first.body.paging.after
  while (after) {
    const page = await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=2&after=${encodeURIComponent(after)}`)
    assert.equal(page.status, 200, page.text)
    seen.push(...page.body.media.map((m) => m.id))
    after = page.body.paging.after
  }
  assert.equal(new Set(seen).size, first.body.data.mediaCount)
})

test('discovery: unknown and personal accounts are 404, bad input is 400, other companies refused', async () => {
  for (const name of ['nobody.at.all', 'maya.eats']) {
    t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/${name}`), 404)
  }
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob%20builds`), 400, { field: 'username' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/${'b'.repeat(31)}`), 400, { field: 'username' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=0`), 400, { field: 'limit' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?limit=abc`), 400, { field: 'limit' })
  t.assertError(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds?after=a)b`), 400, { field: 'after' })
  t.assertError(await t.api('GET', `/instagram/accounts/x%24y/discovery/bob.builds`), 400, { field: 'igUserId' })
  // Globex's key on acme's account, and acme's key on globex's.
  refused(await t.api('GET', `/instagram/accounts/${bakery}/discovery/bob.builds`, { as: 'globex' }))
  refused(await t.api('GET', `/instagram/accounts/${bob}/discovery/alice.bakery`))
})

test('GET /instagram/accounts/:igUserId/live-media lists a broadcast while it runs', async () => {
  const path = `/instagram/accounts/${bakery}/live-media`
  const none = await t.api('GET', path)
  assert.equal(none.status, 200, none.text)
  assert.deepEqual(none.body.data, [])
  const started = await (
    await fetch(`${t.sandbox.baseUrl}/__sandbox/live`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ig_user_id: bakery, live: true }),
    })
  ).json()
  const live = await t.api('GET', `${path}?limit=5`)
  assert.equal(live.status, 200, live.text)
  assert.deepEqual(live.body.data.map((m) => m.id), [started.id])
  assert.equal(live.body.data[0].mediaProductType, 'LIVE')
  t.assertError(await t.api('GET', `${path}?limit=0`), 400, { field: 'limit' })
  t.assertError(await t.api('GET', '/instagram/accounts/a%20b/live-media'), 400, { field: 'igUserId' })
  refused(await t.api('GET', path, { as: 'globex' }))
  refused(await t.api('GET', `/instagram/accounts/${bob}/live-media`))
})

test('GET /instagram/oembed embeds a public post; bad URLs and widths are 400', async () => {
  const media = await t.api('GET', `/instagram/media?igUserId=${bakery}&limit=10`)
  const post = media.body.data.find((m) => m.permalink && m.permalink.includes('/p/'))
  assert.ok(post, media.text)
  const res = await t.api('GET', `/instagram/oembed?url=${encodeURIComponent(post.permalink)}&maxWidth=400&omitScript=true`)
  assert.equal(res.status, 200, res.text)
  assert.ok(res.body.data.html.includes(post.permalink), res.text)
  assert.ok(!res.body.data.html.includes('embed.js'))
  assert.equal(res.body.data.width, 400)
  // Either company may embed a public post: it is the app's call, not an account's.
  assert.equal((await t.api('GET', `/instagram/oembed?url=${encodeURIComponent(post.permalink)}`, { as: 'globex' })).status, 200)
  assert.equal((await t.api('GET', `/instagram/oembed?url=${encodeURIComponent(post.permalink)}`, { as: null })).status, 401)
  t.assertError(await t.api('GET', '/instagram/oembed'), 400, { field: 'url' })
  t.assertError(await t.api('GET', '/instagram/oembed?url=https%3A%2F%2Fexample.com%2Fp%2Fx%2F'), 400, { field: 'url' })
  t.assertError(await t.api('GET', `/instagram/oembed?url=${encodeURIComponent(post.permalink)}&maxWidth=100`), 400, { field: 'maxWidth' })
  t.assertError(await t.api('GET', `/instagram/oembed?url=${encodeURIComponent(post.permalink)}&omitScript=maybe`), 400, { field: 'omitScript' })
  // A post that does not exist is Meta's invalid-parameter error: 4xx, never 5xx.
  const missing = await t.api('GET', '/instagram/oembed?url=https%3A%2F%2Fwww.instagram.com%2Fp%2FNoSuchPost%2F')
  assert.ok(missing.status >= 400 && missing.status < 500, missing.text)
})

test('the insights routes take the metrics added since 2025', async () => {
  const media = (await t.api('GET', `/instagram/media?igUserId=${bakery}&limit=10`)).body.data
  const reel = media.find((m) => m.mediaProductType === 'REELS')
  const post = media.find((m) => m.mediaProductType === 'FEED')
  assert.ok(reel && post, JSON.stringify(media))
  const reels = await t.api('GET', `/instagram/media/insights?igUserId=${bakery}&mediaIds=${reel.id}&metrics=reposts,reels_skip_rate,crossposted_views,facebook_views`)
  assert.equal(reels.status, 200, reels.text)
  const names = reels.body.data[0].metrics.map((m) => m.name).sort()
  assert.deepEqual(names, ['crossposted_views', 'facebook_views', 'reels_skip_rate', 'reposts'])
  const feed = await t.api('GET', `/instagram/media/insights?igUserId=${bakery}&mediaIds=${post.id}&metrics=reposts`)
  assert.equal(feed.status, 200, feed.text)
  assert.equal(feed.body.data[0].metrics[0].name, 'reposts')
  // A reel-only metric on a feed post is refused before any call, naming the field.
  const wrong = await t.api('GET', `/instagram/media/insights?igUserId=${bakery}&mediaIds=${post.id}&metrics=reels_skip_rate`)
  assert.ok(wrong.status < 500, wrong.text)
  const account = await t.api('GET', `/instagram/me/insights?igUserId=${bakery}&metrics=reposts&metricType=total_value`)
  assert.equal(account.status, 200, account.text)
  assert.equal(account.body.data.metrics[0].name, 'reposts')
  refused(await t.api('GET', `/instagram/me/insights?igUserId=${bakery}&metrics=reposts&metricType=total_value`, { as: 'globex' }))
})
