// Media, comments, insights and direct messages; tenancy on each.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startBackend } from './support.mjs'

let t
let bakery // acme's account
let bob // globex's account
let bakeryMedia // ids of the bakery's media, newest first
let bobMedia

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
  bakeryMedia = (await t.api('GET', `/instagram/media?igUserId=${bakery}`)).body.data.map((m) => m.id)
  bobMedia = (await t.api('GET', `/instagram/media?igUserId=${bob}`, { as: 'globex' })).body.data.map((m) => m.id)
})

after(async () => {
  await t?.stop()
})

/** Company B's key on company A's account or objects: 403 or 404, with the error shape. */
function refused(res) {
  assert.ok([403, 404].includes(res.status), `expected 403/404, got ${res.status}: ${res.text}`)
  t.assertError(res, res.status)
}

test('GET /instagram/media lists the account\'s posts, with paging', async () => {
  const res = await t.api('GET', `/instagram/media?igUserId=${bakery}&access_token=ignored`)
  assert.equal(res.status, 200, res.text)
  assert.equal(res.body.success, true)
  assert.ok(res.body.data.length >= 3)
  for (const m of res.body.data) assert.ok(m.id && m.mediaType, JSON.stringify(m))
  assert.ok('paging' in res.body)
  const page = await t.api('GET', `/instagram/media?igUserId=${bakery}&limit=2`)
  assert.equal(page.body.data.length, 2)
  assert.equal(page.body.paging.hasNext, true)
  const next = await t.api('GET', `/instagram/media?igUserId=${bakery}&limit=2&after=${encodeURIComponent(page.body.paging.after)}`)
  assert.notEqual(next.body.data[0].id, page.body.data[0].id)

  refused(await t.api('GET', `/instagram/media?igUserId=${bakery}`, { as: 'globex' }))
  t.assertError(await t.api('GET', '/instagram/media'), 400, { field: 'igUserId' })
  t.assertError(await t.api('GET', `/instagram/media?igUserId=${bakery}&limit=1000`), 400, { field: 'limit' })
  t.assertError(await t.api('GET', `/instagram/media?igUserId=${bakery}&since=yesterday`), 400, { field: 'since' })
})

test('PUT /instagram/media/:id turns comments off and refuses caption edits', async () => {
  const id = bakeryMedia[0]
  const off = await t.api('PUT', `/instagram/media/${id}`, { body: { igUserId: bakery, commentsEnabled: false } })
  assert.equal(off.status, 200, off.text)
  assert.equal(off.body.commentsEnabled, false)
  const read = await t.api('GET', `/instagram/media/${id}?igUserId=${bakery}`)
  assert.equal(read.body.data.isCommentEnabled, false)
  const on = await t.api('PUT', `/instagram/media/${id}`, { body: { igUserId: bakery, commentsEnabled: true } })
  assert.equal(on.status, 200)

  const caption = await t.api('PUT', `/instagram/media/${id}`, { body: { igUserId: bakery, caption: 'new words' } })
  t.assertError(caption, 400, { code: 'UNSUPPORTED', field: 'caption' })
  assert.match(caption.body.error.message, /cannot edit a caption/)
  t.assertError(await t.api('PUT', `/instagram/media/${id}`, { body: { igUserId: bakery } }), 400, { field: 'commentsEnabled' })
  t.assertError(await t.api('PUT', `/instagram/media/${id}`, { body: { igUserId: bakery, commentsEnabled: 'maybe' } }), 400)
  // B, with A's account or with its own account on A's media.
  refused(await t.api('PUT', `/instagram/media/${id}`, { as: 'globex', body: { igUserId: bakery, commentsEnabled: false } }))
  refused(await t.api('PUT', `/instagram/media/${id}`, { as: 'globex', body: { igUserId: bob, commentsEnabled: false } }))
  assert.equal((await t.api('GET', `/instagram/media/${id}?igUserId=${bakery}`)).body.data.isCommentEnabled, true)
})

test('comments: list, create, reply, hide, delete', async () => {
  const id = bakeryMedia[0]
  const list = await t.api('GET', `/instagram/media/${id}/comments?igUserId=${bakery}`)
  assert.equal(list.status, 200, list.text)
  assert.ok(Array.isArray(list.body.data))
  assert.ok('paging' in list.body)

  const made = await t.api('POST', `/instagram/media/${id}/comments`, { body: { igUserId: bakery, message: 'Thanks for visiting!' } })
  assert.equal(made.status, 201, made.text)
  assert.ok(made.body.id)
  const reply = await t.api('POST', `/instagram/media/${id}/comments`, {
    body: { igUserId: bakery, message: 'And a reply', replyTo: made.body.id },
  })
  assert.equal(reply.status, 201, reply.text)
  assert.equal(reply.body.replyTo, made.body.id)
  const after = await t.api('GET', `/instagram/media/${id}/comments?igUserId=${bakery}`)
  assert.ok(after.body.data.some((c) => c.id === made.body.id))

  const hide = await t.api('POST', `/instagram/comments/${made.body.id}/hide`, { body: { igUserId: bakery, hidden: true } })
  assert.equal(hide.status, 200, hide.text)

  refused(await t.api('GET', `/instagram/media/${id}/comments?igUserId=${bob}`, { as: 'globex' }))
  refused(await t.api('POST', `/instagram/media/${id}/comments`, { as: 'globex', body: { igUserId: bob, message: 'spam' } }))
  refused(await t.api('DELETE', `/instagram/comments/${made.body.id}?igUserId=${bob}`, { as: 'globex' }))
  refused(await t.api('DELETE', `/instagram/comments/${made.body.id}?igUserId=${bakery}`, { as: 'globex' }))

  const del = await t.api('DELETE', `/instagram/comments/${made.body.id}?igUserId=${bakery}`)
  assert.equal(del.status, 200, del.text)
  const gone = await t.api('GET', `/instagram/media/${id}/comments?igUserId=${bakery}`)
  assert.ok(!gone.body.data.some((c) => c.id === made.body.id))

  t.assertError(await t.api('POST', `/instagram/media/${id}/comments`, { body: { igUserId: bakery } }), 400, { field: 'message' })
  t.assertError(await t.api('POST', `/instagram/media/${id}/comments`, { body: { igUserId: bakery, message: '   ' } }), 400, {
    field: 'message',
  })
})

test('DELETE /instagram/media/:id deletes a post of the company only', async () => {
  const id = bakeryMedia.at(-1)
  refused(await t.api('DELETE', `/instagram/media/${id}?igUserId=${bob}`, { as: 'globex' }))
  refused(await t.api('DELETE', `/instagram/media/${id}?igUserId=${bakery}`, { as: 'globex' }))
  refused(await t.api('DELETE', `/instagram/media/${bobMedia[0]}?igUserId=${bakery}`))
  const res = await t.api('DELETE', `/instagram/media/${id}?igUserId=${bakery}`)
  assert.equal(res.status, 200, res.text)
  assert.equal(res.body.success, true)
  t.assertError(await t.api('GET', `/instagram/media/${id}?igUserId=${bakery}`), 404)
  // B's post still exists.
  assert.equal((await t.api('GET', `/instagram/media/${bobMedia[0]}?igUserId=${bob}`, { as: 'globex' })).status, 200)
})

test('insights: account, series to chart, media and stories', async () => {
  const me = await t.api('GET', `/instagram/me/insights?igUserId=${bakery}&metrics=reach,follower_count&period=day`)
  assert.equal(me.status, 200, me.text)
  assert.equal(me.body.success, true)
  assert.ok(me.body.data)
  const byDefault = await t.api('GET', `/instagram/me/insights?igUserId=${bakery}`)
  assert.equal(byDefault.status, 200, byDefault.text)
  // A metric Meta removed: a 400 that names the replacement.
  const removed = await t.api('GET', `/instagram/me/insights?igUserId=${bakery}&metrics=impressions`)
  t.assertError(removed, 400)
  assert.match(removed.body.error.message, /views/)
  t.assertError(await t.api('GET', `/instagram/me/insights?igUserId=${bakery}&period=century`), 400, { field: 'period' })
  // Dates are range-checked, naming the field: nothing on Instagram predates 2010 or follows today.
  const year = 365 * 24 * 3600 * 1000
  for (const [name, value] of [
    ['since', '1900-01-01T00:00:00Z'],
    ['since', '0001-01-01T00:00:00Z'],
    ['until', '9999-12-31T00:00:00Z'],
    ['until', new Date(Date.now() + year).toISOString()],
  ]) {
    for (const path of [`/instagram/me/insights?igUserId=${bakery}`, `/instagram/media?igUserId=${bakery}`]) {
      t.assertError(await t.api('GET', `${path}&${name}=${encodeURIComponent(value)}`), 400, { field: name })
    }
  }
  const lastWeek = new Date(Date.now() - 7 * 24 * 3600 * 1000).toISOString()
  const ranged = await t.api('GET', `/instagram/me/insights?igUserId=${bakery}&metrics=reach&since=${lastWeek}&until=${new Date().toISOString()}`)
  assert.equal(ranged.status, 200, ranged.text)
  refused(await t.api('GET', `/instagram/me/insights?igUserId=${bakery}`, { as: 'globex' }))

  // Series to chart: every default metric by week, the totals labelled as reach's weeks.
  const month = new Date(Date.now() - 28 * 24 * 3600 * 1000).toISOString()
  const series = await t.api('GET', `/instagram/me/insights/series?igUserId=${bakery}&since=${month}&by=weekly`)
  assert.equal(series.status, 200, series.text)
  assert.deepEqual(series.body.data.map((m) => m.name), ['reach', 'views', 'accounts_engaged', 'total_interactions', 'follower_count'])
  const weeks = (name) => series.body.data.find((m) => m.name === name).points.map((p) => p.start)
  assert.deepEqual(weeks('views'), weeks('reach'))
  assert.equal(series.body.data.find((m) => m.name === 'views').aggregation, 'Total')
  t.assertError(await t.api('GET', `/instagram/me/insights/series?igUserId=${bakery}`), 400, { field: 'since' })
  t.assertError(await t.api('GET', `/instagram/me/insights/series?igUserId=${bakery}&since=${month}&by=hourly`), 400, { field: 'by' })
  const yearAgo = new Date(Date.now() - 200 * 24 * 3600 * 1000).toISOString()
  t.assertError(await t.api('GET', `/instagram/me/insights/series?igUserId=${bakery}&since=${yearAgo}&metrics=views`), 400, { field: 'since' })
  refused(await t.api('GET', `/instagram/me/insights/series?igUserId=${bakery}&since=${month}`, { as: 'globex' }))

  const media = await t.api('GET', `/instagram/media/insights?igUserId=${bakery}&mediaIds=${bakeryMedia.slice(0, 2).join(',')}`)
  assert.equal(media.status, 200, media.text)
  assert.equal(media.body.data.length, 2)
  t.assertError(await t.api('GET', `/instagram/media/insights?igUserId=${bakery}`), 400, { field: 'mediaIds' })
  refused(await t.api('GET', `/instagram/media/insights?igUserId=${bakery}&mediaIds=${bakeryMedia[0]}`, { as: 'globex' }))

  const story = await t.api('POST', '/instagram/stories', { body: { igUserId: bakery, imageUrl: 'https://images.example.com/s.jpg' } })
  assert.equal(story.status, 201, story.text)
  const stories = await t.api('GET', `/instagram/stories/insights?igUserId=${bakery}`)
  assert.equal(stories.status, 200, stories.text)
  assert.ok(Array.isArray(stories.body.data))
  assert.ok(stories.body.data.length >= 1)
  refused(await t.api('GET', `/instagram/stories/insights?igUserId=${bakery}`, { as: 'globex' }))
})

test('direct messages: conversations, messages, reply', async () => {
  // A customer writes (opens the 24-hour window).
  const fan = '9900000000000001'
  await t.sandbox.event({ type: 'message', from_user_id: fan, to_ig_id: bakery, text: 'Are you open on Sunday?' })
  const list = await t.api('GET', `/instagram/conversations?igUserId=${bakery}`)
  assert.equal(list.status, 200, list.text)
  assert.ok(list.body.data.length >= 1)
  const conversation = list.body.data[0].id
  // Each conversation names who it is with (the console lists people, not ids).
  const people = list.body.data.flatMap((c) => c.participants.data.map((p) => p.id))
  assert.ok(people.includes(fan), JSON.stringify(list.body.data))

  const messages = await t.api('GET', `/instagram/conversations/${conversation}/messages?igUserId=${bakery}`)
  assert.equal(messages.status, 200, messages.text)
  assert.ok(messages.body.data.length >= 1)

  const sent = await t.api('POST', `/instagram/conversations/${conversation}/messages`, {
    body: { igUserId: bakery, text: 'Yes, 8 to 12!' },
  })
  assert.equal(sent.status, 201, sent.text)
  assert.ok(sent.body.messageId)

  refused(await t.api('GET', `/instagram/conversations?igUserId=${bakery}`, { as: 'globex' }))
  refused(await t.api('GET', `/instagram/conversations/${conversation}/messages?igUserId=${bob}`, { as: 'globex' }))
  refused(
    await t.api('POST', `/instagram/conversations/${conversation}/messages`, {
      as: 'globex',
      body: { igUserId: bob, text: 'hi', recipientId: fan },
    }),
  )
  refused(
    await t.api('POST', `/instagram/conversations/${conversation}/messages`, {
      as: 'globex',
      body: { igUserId: bakery, text: 'hi' },
    }),
  )
  t.assertError(
    await t.api('POST', `/instagram/conversations/${conversation}/messages`, {
      body: { igUserId: bakery, text: 'hi', recipientId: '123456' },
    }),
    400,
    { field: 'recipientId' },
  )
  t.assertError(await t.api('POST', `/instagram/conversations/${conversation}/messages`, { body: { igUserId: bakery } }), 400, {
    field: 'text',
  })
  t.assertError(
    await t.api('POST', `/instagram/conversations/${conversation}/messages`, { body: { igUserId: bakery, text: 'x'.repeat(1001) } }),
    400,
    { field: 'text' },
  )
})
