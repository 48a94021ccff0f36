'use strict'
// Publishing: an image (the old route), stories, reels, carousels, and scheduled posts.
// Posts are built from whitelisted fields only: a request can never name a local file.

const express = require('express')
const { checkCompany } = require('../auth')
const { badRequest, errorBody } = require('../errors')
const input = require('../input')
const { trialParams } = require('./publishing_extra')

// Meta's limits (caption, alternative text, carousel size, tags) and the idempotency key's are
// the SDK's: it checks every post before any call and names the field; this file only reads
// the request.

/** `Idempotency-Key` header or `idempotencyKey` field: a retried request publishes once. */
function idempotencyKey(req) {
  return req.get('idempotency-key') ?? input.str(req, 'idempotencyKey')
}

/**
 * The SDK's progress events of one publish (`created`, `processing`, `ready`, `published`, and
 * `failed` when it throws), for the console's live streams (`bus`, src/routes/console.js):
 * only for a request with an idempotency key, which the stream's listener matches on.
 */
function progressOf(bus, req, key) {
  if (!bus || !key || bus.listenerCount('publish') === 0) return undefined
  const companyId = req.company.id
  return (event) => bus.emit('publish', { companyId, progress: { idempotencyKey: key, ...event } })
}

/** Runs a publish with `onProgress`; a failure is reported to it too, then rethrown. */
async function withProgress(onProgress, run) {
  try {
    return await run()
  } catch (err) {
    onProgress?.({ type: 'failed', message: errorBody(err).body.error.message })
    throw err
  }
}

function published(res, result) {
  // The old route's names: mediaId was the container ("create media"), postId the post.
  res.status(result.replayed ? 200 : 201).json({
    success: true,
    platform: 'instagram',
    mediaId: result.containerId,
    postId: result.mediaId,
    permalink: result.permalink,
    response: result,
  })
}

function caption(req) {
  return input.str(req, 'caption')
}

/** One item of a carousel: `{ imageUrl }`, `{ videoUrl }` or `{ kind, url }`. */
function item(value, index) {
  const field = `items[${index}]`
  if (!value || typeof value !== 'object') throw badRequest(field, `${field} must be an object`)
  const fake = { body: value, query: {} }
  const imageUrl = input.url(fake, 'imageUrl')
  const videoUrl = input.url(fake, 'videoUrl')
  const url = input.url(fake, 'url')
  const kind = value.kind ?? (videoUrl ? 'video' : 'image')
  if (kind !== 'image' && kind !== 'video') throw badRequest(`${field}.kind`, `${field}.kind must be image or video`)
  const source = imageUrl ?? videoUrl ?? url
  if (!source) throw badRequest(`${field}.url`, `${field} needs imageUrl, videoUrl or url`)
  const altText = input.str(fake, 'altText')
  return { kind, url: source, ...(altText ? { altText } : {}) }
}

/** `userTags: [{ username, x, y }]` (an image's, a reel's or a story's; the limits and ranges are the SDK's). */
function userTags(body) {
  const value = body?.userTags
  if (value === undefined) return undefined
  if (!Array.isArray(value) || value.length > 100) throw badRequest('userTags', 'userTags must be an array of { username, x, y }')
  return value.map((tag, i) => {
    const ok = tag && typeof tag === 'object' && typeof tag.username === 'string' && typeof tag.x === 'number' && typeof tag.y === 'number'
    if (!ok) throw badRequest(`userTags[${i}]`, `userTags[${i}] must be { username, x, y }`)
    return { username: tag.username, x: tag.x, y: tag.y }
  })
}

/** The post of a request: `{ kind: image|carousel|reel|story, … }` from whitelisted fields. */
function postOf(body, kind) {
  const req = { body, query: {} }
  switch (kind) {
    case 'image': {
      const url = input.url(req, 'imageUrl', { required: true })
      const altText = input.str(req, 'altText')
      return {
        kind,
        caption: caption(req),
        items: [{ kind: 'image', url, ...(altText ? { altText } : {}) }],
        userTags: userTags(body),
        collaborators: input.list(req, 'collaborators'),
      }
    }
    case 'carousel': {
      const items = body?.items
      if (!Array.isArray(items)) throw badRequest('items', 'items must be an array')
      return { kind, caption: caption(req), items: items.map(item), collaborators: input.list(req, 'collaborators') }
    }
    case 'reel': {
      const url = input.url(req, 'videoUrl', { required: true })
      return {
        kind,
        caption: caption(req),
        items: [{ kind: 'video', url }],
        collaborators: input.list(req, 'collaborators'),
        coverUrl: input.url(req, 'coverUrl'),
        shareToFeed: input.bool(req, 'shareToFeed'),
        thumbOffsetMs: input.int(req, 'thumbOffsetMs', { min: 0, max: Number.MAX_SAFE_INTEGER }),
        audioName: input.str(req, 'audioName'),
        userTags: userTags(body),
        trialParams: trialParams(body),
      }
    }
    case 'story': {
      const imageUrl = input.url(req, 'imageUrl')
      const videoUrl = input.url(req, 'videoUrl')
      if (!imageUrl === !videoUrl) throw badRequest('imageUrl', 'a story needs exactly one of imageUrl and videoUrl')
      return { kind, items: [{ kind: imageUrl ? 'image' : 'video', url: imageUrl ?? videoUrl }], userTags: userTags(body) }
    }
    default:
      throw badRequest('kind', 'kind must be one of image, carousel, reel, story')
  }
}

const strip = (post) => Object.fromEntries(Object.entries(post).filter(([, v]) => v !== undefined))

function router({ sdk, bus }) {
  const r = express.Router()
  const publish = (kind) => async (req, res) => {
    checkCompany(req)
    const igUserId = input.igUserId(req)
    const post = strip(postOf(req.body, kind))
    const key = idempotencyKey(req)
    const onProgress = progressOf(bus, req, key)
    const result = await withProgress(onProgress, () => sdk.publisher.publish(req.company.id, igUserId, post, strip({ idempotencyKey: key, onProgress })))
    published(res, result)
  }

  // POST /instagram/social/post/instagram { instagramBusinessId, caption, imageUrl }
  // (`userAccessToken` is accepted and ignored: the token comes from the store).
  r.post('/social/post/instagram', async (req, res) => {
    checkCompany(req)
    const igUserId = input.igUserId(req)
    const imageUrl = input.url(req, 'imageUrl', { required: true })
    const key = idempotencyKey(req)
    const onProgress = progressOf(bus, req, key)
    // With people tagged or collaborators, the whole post (publishImage takes a caption and alt
    // text only).
    const whole = userTags(req.body) !== undefined || input.list(req, 'collaborators') !== undefined
    const result = await withProgress(onProgress, () =>
      whole
        ? sdk.publisher.publish(req.company.id, igUserId, strip(postOf(req.body, 'image')), strip({ idempotencyKey: key, onProgress }))
        : sdk.publisher.publishImage(
            req.company.id,
            igUserId,
            imageUrl,
            strip({ caption: caption(req), altText: input.str(req, 'altText'), idempotencyKey: key, onProgress }),
          ),
    )
    published(res, result)
  })
  r.post('/stories', publish('story'))
  r.post('/reels', publish('reel'))
  r.post('/carousels', publish('carousel'))

  // POST /instagram/schedule { igUserId, publishAt, kind, …the fields of that kind }
  r.post('/schedule', async (req, res) => {
    checkCompany(req)
    const igUserId = input.igUserId(req)
    const publishAt = input.time(req, 'publishAt', { required: true })
    const kind = input.oneOf(req, 'kind', ['image', 'carousel', 'reel', 'story']) ?? 'image'
    const post = strip(postOf(req.body, kind))
    const job = await sdk.scheduler.schedule(req.company.id, igUserId, post, publishAt, {
      idempotencyKey: idempotencyKey(req),
    })
    res.status(201).json({ success: true, data: job })
  })

  // GET /instagram/schedule?status&igUserId&limit&after: the company's jobs, newest first, at
  // most `limit` (1–500, default 500); `after` (a job id, the last of the previous page) reads
  // further back.
  r.get('/schedule', async (req, res) => {
    const status = input.oneOf(req, 'status', [
      'pending',
      'scheduled',
      'containerCreated',
      'publishing',
      'published',
      'failed',
      'cancelled',
      'deferred',
    ])
    const igUserId = input.id(req, 'igUserId', { required: false })
    const limit = input.int(req, 'limit', { min: 1, max: 500 })
    const after = input.id(req, 'after', { required: false })
    const data = await sdk.scheduler.list(req.company.id, strip({ status, igUserId, limit, after }))
    res.json({ success: true, data })
  })

  // GET /instagram/schedule/:jobId
  r.get('/schedule/:jobId', async (req, res) => {
    res.json({ success: true, data: await sdk.scheduler.get(req.company.id, input.pathId(req, 'jobId')) })
  })

  // DELETE /instagram/schedule/:jobId: cancels a scheduled post.
  r.delete('/schedule/:jobId', async (req, res) => {
    res.json({ success: true, data: await sdk.scheduler.cancel(req.company.id, input.pathId(req, 'jobId')) })
  })
  return r
}

module.exports = { router }
