// Comments: list with cursors, create/get/replies/reply/hide/delete, private replies, the
// moderation filter and reply templates, against the sandbox.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType, rejectsInvalid, rejectsGraph } from './engage-support.mjs'

let ctx
let comments

before(async () => {
  ctx = await setup()
  comments = new ig.Comments(ctx.accounts)
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('list pages through a media with many comments', async () => {
  const { mediaWithManyComments, manyCommentsCount } = ctx.seed.engagement
  const first = await comments.list(COMPANY, ctx.bakery, mediaWithManyComments, { limit: 50 })
  assert.equal(first.data.length, 50)
  assert.equal(first.paging.hasNext, true)
  assert.ok(first.data[0].text)
  const second = await comments.list(COMPANY, ctx.bakery, mediaWithManyComments, {
    limit: 50,
    after: first.paging.after,
  })
  assert.equal(first.data.length + second.data.length, manyCommentsCount)
  const ids = new Set([...first.data, ...second.data].map((c) => c.id))
  assert.equal(ids.size, manyCommentsCount)
})

test('create, get, reply, replies, hide, delete', async () => {
  const [post] = (await new ig.Media(ctx.accounts).list(COMPANY, ctx.travels, { limit: 1 })).data
  const created = await comments.create(COMPANY, ctx.travels, post.id, 'First! 🥐')
  assert.ok(created.id)
  const read = await comments.get(COMPANY, ctx.travels, created.id)
  assert.equal(read.text, 'First! 🥐')
  assert.equal(read.username, 'alice.travels')

  const reply = await comments.reply(COMPANY, ctx.travels, created.id, 'And a reply')
  const replies = await comments.replies(COMPANY, ctx.travels, created.id)
  assert.deepEqual(replies.data.map((r) => r.id), [reply.id])
  // A thread in one call: each comment with its replies.
  const threads = await comments.list(COMPANY, ctx.travels, post.id, { limit: 50, withReplies: true })
  const thread = threads.data.find((c) => c.id === created.id)
  assert.deepEqual(thread.replies.data.map((r) => [r.id, r.text]), [[reply.id, 'And a reply']])
  await rejectsType(comments.list(COMPANY, ctx.travels, post.id, { fields: ['id'], withReplies: true }), 'options.withReplies')

  assert.deepEqual(await comments.hide(COMPANY, ctx.travels, created.id, true), { success: true })
  assert.equal((await comments.get(COMPANY, ctx.travels, created.id, { fields: ['id', 'hidden'] })).hidden, true)
  // Replying to a hidden comment: a Graph error with Meta's user-facing title and message.
  const e = await rejectsGraph(comments.reply(COMPANY, ctx.travels, created.id, 'again'), 100)
  assert.equal(e.userTitle, 'Comment is hidden')
  assert.match(e.userMessage, /Unhide it first/)
  await comments.hide(COMPANY, ctx.travels, created.id, false)

  assert.deepEqual(await comments.delete(COMPANY, ctx.travels, reply.id), { success: true })
  assert.equal((await comments.replies(COMPANY, ctx.travels, created.id)).data.length, 0)
})

test('messages are checked before any call', async () => {
  const [post] = (await new ig.Media(ctx.accounts).list(COMPANY, ctx.travels, { limit: 1 })).data
  const before = (await comments.list(COMPANY, ctx.travels, post.id, { limit: 50 })).data.length
  await rejectsInvalid(comments.create(COMPANY, ctx.travels, post.id, '   '), 'message')
  await rejectsInvalid(comments.create(COMPANY, ctx.travels, post.id, 'x'.repeat(2201)), 'message')
  await rejectsInvalid(comments.reply(COMPANY, ctx.travels, '123', ''), 'message')
  await rejectsInvalid(comments.privateReply(COMPANY, ctx.travels, '123', 'é'.repeat(501)), 'text')
  const ok = await comments.create(COMPANY, ctx.travels, post.id, 'y'.repeat(2200))
  assert.ok(ok.id)
  const afterCreate = (await comments.list(COMPANY, ctx.travels, post.id, { limit: 50 })).data.length
  assert.equal(afterCreate, before + 1)
})

test('a private reply once per comment, within 7 days', async () => {
  const { recentComment, oldComment } = ctx.seed.engagement
  const sent = await comments.privateReply(COMPANY, ctx.bakery, recentComment, 'Thanks, DM sent!')
  assert.ok(sent.messageId, JSON.stringify(sent))
  assert.ok(sent.recipientId)
  const again = await rejectsGraph(comments.privateReply(COMPANY, ctx.bakery, recentComment, 'Again'), 10900)
  assert.equal(again.userTitle, 'Already replied')
  await assert.rejects(
    comments.privateReply(COMPANY, ctx.bakery, oldComment, 'Too late'),
    (e) => e instanceof ig.GraphApiError && e.code === 10 && e.subcode === 2534022,
  )
})

test('a private reply in the window: the comment is read first, an old one refused before sending', async () => {
  const { oldComment, mediaWithManyComments } = ctx.seed.engagement
  await rejectsInvalid(comments.privateReplyInWindow(COMPANY, ctx.bakery, oldComment, 'Too late'), 'comment')
  const [fresh] = (await comments.list(COMPANY, ctx.bakery, mediaWithManyComments, { limit: 1 })).data
  const sent = await comments.privateReplyInWindow(COMPANY, ctx.bakery, fresh.id, 'In time')
  assert.ok(sent.messageId, JSON.stringify(sent))
  await rejectsType(comments.privateReplyInWindow(COMPANY, ctx.bakery, '', 'x'), 'commentId')
  await rejectsInvalid(comments.privateReplyInWindow(COMPANY, ctx.bakery, fresh.id, ' '), 'text')
})

test('filter: text, hidden, unanswered, max; read in Rust across pages', async () => {
  const media = ctx.seed.engagement.mediaWithManyComments
  const all = await comments.filter(COMPANY, ctx.bakery, media, {})
  assert.equal(all.length, ctx.seed.engagement.manyCommentsCount)
  const love = await comments.filter(COMPANY, ctx.bakery, media, { textContains: 'LOVE IT' })
  assert.ok(love.length > 0)
  assert.ok(love.every((c) => c.text.toLowerCase().includes('love it')))
  const hidden = await comments.filter(COMPANY, ctx.bakery, media, { hidden: true })
  assert.ok(hidden.length > 0 && hidden.every((c) => c.hidden === true))
  const todo = await comments.filter(COMPANY, ctx.bakery, media, { unansweredBy: 'alice.bakery' })
  assert.ok(todo.length > 0 && todo.length < all.length, `${todo.length} of ${all.length}`)
  for (const c of todo) {
    const answered = (c.replies?.data ?? []).some((r) => (r.username ?? r.from?.username) === 'alice.bakery')
    assert.equal(answered, false)
  }
  const two = await comments.filter(COMPANY, ctx.bakery, media, { unansweredBy: 'alice.bakery', max: 2 })
  assert.deepEqual(two.map((c) => c.id), todo.slice(0, 2).map((c) => c.id))
  const author = all[0].username
  const byAuthor = await comments.filter(COMPANY, ctx.bakery, media, { author })
  assert.ok(byAuthor.length > 0 && byAuthor.every((c) => c.username === author))
})

test('reply templates: render without a call, reply with one', async () => {
  assert.equal(
    ig.Comments.renderTemplate('Thanks {username}! Code {custom:code} {{ok}}', {
      username: 'maya.eats',
      custom: { code: 'WELCOME' },
    }),
    'Thanks maya.eats! Code WELCOME {ok}',
  )
  assert.throws(() => ig.Comments.renderTemplate('Hi {nope}'), (e) => e instanceof TypeError && e.argument === 'template')
  assert.throws(
    () => ig.Comments.renderTemplate('Hi {custom:code}', {}),
    (e) => e instanceof ig.InvalidInputError && /custom:code/.test(e.message),
  )
  const { recentComment } = ctx.seed.engagement
  const target = await comments.get(COMPANY, ctx.bakery, recentComment)
  const out = await comments.replyWithTemplate(COMPANY, ctx.bakery, recentComment, 'Hi @{username}, use {custom:code}', {
    code: 'SOURDOUGH10',
  })
  assert.equal(out.message, `Hi @${target.username}, use SOURDOUGH10`)
  const replies = await comments.replies(COMPANY, ctx.bakery, recentComment)
  assert.ok(replies.data.some((r) => r.id === out.id && r.text === out.message))
})

test('bad arguments are TypeErrors naming the argument', async () => {
  await rejectsType(comments.list(COMPANY, ctx.bakery, ''), 'mediaId')
  await rejectsType(comments.list(COMPANY, ctx.bakery, '1', { limit: 0 }), 'options.limit')
  await rejectsType(comments.get(COMPANY, ctx.bakery, ''), 'commentId')
  await rejectsType(comments.hide('', ctx.bakery, '1', true), 'companyId')
  await rejectsType(comments.filter(COMPANY, ctx.bakery, '1', { since: {} }), 'filter.since')
  await rejectsType(comments.filter(COMPANY, ctx.bakery, '1', { author: 'a', authorId: '1' }), 'filter.author')
  await rejectsType(comments.replyWithTemplate(COMPANY, ctx.bakery, '1', 'oops }'), 'template')
  // Over Meta's 50 per page: refused by the SDK before the call.
  await rejectsInvalid(comments.list(COMPANY, ctx.bakery, '1', { limit: 51 }), 'limit')
})
