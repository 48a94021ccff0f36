// Mentions: read the media and comments that @mention an account, and reply to them.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { setup, ig, COMPANY, rejectsType, rejectsInvalid, rejectsGraph } from './engage-support.mjs'

let ctx
let mentions

before(async () => {
  ctx = await setup()
  mentions = new ig.Mentions(ctx.accounts)
})

after(async () => {
  await ctx?.sandbox.stop()
})

test('read a mentioning media and comment', async () => {
  const { mentionedMedia, mentionedComment } = ctx.seed.engagement
  const media = await mentions.mentionedMedia(COMPANY, ctx.bakery, mentionedMedia)
  assert.equal(media.id, ctx.bakery)
  assert.equal(media.mentionedMedia.id, mentionedMedia)
  assert.match(media.mentionedMedia.caption, /@alice\.bakery/)
  const comment = await mentions.mentionedComment(COMPANY, ctx.bakery, mentionedComment)
  assert.equal(comment.mentionedComment.id, mentionedComment)
  assert.match(comment.mentionedComment.text, /@alice\.bakery/)
})

test('reply to a caption mention and to a comment mention', async () => {
  const { mentionedMedia, mentionedComment } = ctx.seed.engagement
  const onMedia = await mentions.reply(COMPANY, ctx.bakery, { mediaId: mentionedMedia, message: 'Thanks for the shout-out!' })
  assert.ok(onMedia.id)
  const comment = await mentions.mentionedComment(COMPANY, ctx.bakery, mentionedComment)
  const mediaOfComment = comment.mentionedComment.media?.id ?? mentionedMedia
  const onComment = await mentions.reply(COMPANY, ctx.bakery, {
    mediaId: mediaOfComment,
    commentId: mentionedComment,
    message: 'See you Saturday!',
  })
  assert.ok(onComment.id)
  assert.notEqual(onComment.id, onMedia.id)
})

test('a media that does not mention the account is a Graph error', async () => {
  // A post of another of Alice's accounts does not mention the bakery.
  const [own] = ctx.seed.instagramAccounts.find((a) => a.id === ctx.travels).media
  const e = await rejectsGraph(mentions.mentionedMedia(COMPANY, ctx.bakery, own), 100)
  assert.match(e.message, /Mentions\.mentionedMedia failed/)
})

test('bad arguments: TypeErrors and checked messages', async () => {
  await rejectsType(mentions.mentionedComment(COMPANY, ctx.bakery, ''), 'commentId')
  await rejectsType(mentions.mentionedMedia(COMPANY, '', '1'), 'igUserId')
  await rejectsType(mentions.reply(COMPANY, ctx.bakery, { mediaId: '', message: 'hi' }), 'reply.mediaId')
  await rejectsType(mentions.reply(COMPANY, ctx.bakery, { mediaId: '1', commentId: ' ', message: 'hi' }), 'reply.commentId')
  await rejectsInvalid(mentions.reply(COMPANY, ctx.bakery, { mediaId: '1', message: '' }), 'message')
  await rejectsInvalid(mentions.reply(COMPANY, ctx.bakery, { mediaId: '1', message: 'z'.repeat(2201) }), 'message')
  await assert.rejects(async () => mentions.reply(COMPANY, ctx.bakery, { message: 'hi' }), TypeError)
})
