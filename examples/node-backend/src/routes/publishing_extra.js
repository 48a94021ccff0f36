'use strict'
// More publishing: rescheduling a post, the live stories, trial reels (`trialParams` on
// POST /instagram/reels, read here), collaboration invites, Instagram Shopping (catalogs,
// product search, product tags on media, appeals), and the token sweep on demand.
// Every rule (which jobs can move, the publish time's bounds, the strategies of a trial reel)
// is the SDK's; this file reads the request and forwards it.

const express = require('express')
const ig = require('instagraph')
const { checkCompany } = require('../auth')
const { badRequest } = require('../errors')
const input = require('../input')

const GRADUATION_STRATEGIES = ['MANUAL', 'SS_PERFORMANCE']

/**
 * `trialParams: { graduationStrategy }` of a reel, or undefined. Only the shape is read here:
 * the SDK refuses trial parameters on anything but a reel, naming the field.
 */
function trialParams(body) {
  const value = body?.trialParams
  if (value === undefined || value === null) return undefined
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest('trialParams', 'trialParams must be an object { graduationStrategy }')
  }
  const strategy = value.graduationStrategy
  if (!GRADUATION_STRATEGIES.includes(strategy)) {
    throw badRequest('trialParams.graduationStrategy', `trialParams.graduationStrategy must be one of ${GRADUATION_STRATEGIES.join(', ')}`)
  }
  return { graduationStrategy: strategy }
}

const DAY_SECONDS = 24 * 3600

function router({ sdk }) {
  const r = express.Router()
  const collaborations = new ig.Collaborations(sdk.accounts)
  const shopping = new ig.Shopping(sdk.accounts)

  // PATCH /instagram/schedule/:jobId { publishAt }: moves a scheduled (or deferred) post; a
  // job being published or already published is refused by the scheduler.
  r.patch('/schedule/:jobId', async (req, res) => {
    const jobId = input.pathId(req, 'jobId')
    const publishAt = input.time(req, 'publishAt', { required: true })
    res.json({ success: true, data: await sdk.scheduler.reschedule(req.company.id, jobId, publishAt) })
  })

  // GET /instagram/stories?igUserId: the account's live stories (24 hours).
  r.get('/stories', async (req, res) => {
    checkCompany(req)
    const igUserId = input.igUserId(req)
    res.json({ success: true, data: await sdk.media.stories(req.company.id, igUserId) })
  })

  // GET /instagram/collaboration-invites?igUserId&limit&after: invites to co-author other
  // accounts' posts, one page.
  r.get('/collaboration-invites', async (req, res) => {
    checkCompany(req)
    const igUserId = input.igUserId(req)
    const limit = input.int(req, 'limit', { min: 1, max: 100 })
    const after = input.str(req, 'after', { max: 1024 })
    const page = await collaborations.invites(req.company.id, igUserId, { limit, after })
    res.json({ success: true, ...page })
  })

  // POST /instagram/collaboration-invites/:mediaId/accept|decline { igUserId }
  for (const answer of ['accept', 'decline']) {
    r.post(`/collaboration-invites/:mediaId/${answer}`, async (req, res) => {
      checkCompany(req)
      const mediaId = input.pathId(req, 'mediaId')
      const igUserId = input.igUserId(req)
      res.json(await collaborations[answer](req.company.id, igUserId, mediaId))
    })
  }

  // GET /instagram/catalogs?igUserId: the catalogs the account can tag products from, and
  // whether it may tag products at all.
  r.get('/catalogs', async (req, res) => {
    checkCompany(req)
    const igUserId = input.igUserId(req)
    const [page, eligible] = await Promise.all([
      shopping.catalogs(req.company.id, igUserId),
      shopping.productTagEligibility(req.company.id, igUserId),
    ])
    res.json({ success: true, eligible, ...page })
  })

  // GET /instagram/catalogs/:catalogId/products?igUserId&q&limit&after
  r.get('/catalogs/:catalogId/products', async (req, res) => {
    checkCompany(req)
    const catalogId = input.pathId(req, 'catalogId')
    const igUserId = input.igUserId(req)
    const q = input.str(req, 'q', { max: 1024 })
    const limit = input.int(req, 'limit', { min: 1, max: 100 })
    const after = input.str(req, 'after', { max: 1024 })
    const page = await shopping.searchProducts(req.company.id, igUserId, catalogId, q, { limit, after })
    res.json({ success: true, ...page })
  })

  // GET /instagram/media/:id/product-tags?igUserId
  r.get('/media/:id/product-tags', async (req, res) => {
    checkCompany(req)
    const mediaId = input.pathId(req, 'id', 'mediaId')
    const igUserId = input.igUserId(req)
    res.json({ success: true, data: await shopping.productTags(req.company.id, igUserId, mediaId) })
  })

  // POST /instagram/media/:id/product-tags { igUserId, tags: [{ productId, x?, y? }] }
  r.post('/media/:id/product-tags', async (req, res) => {
    checkCompany(req)
    const mediaId = input.pathId(req, 'id', 'mediaId')
    const igUserId = input.igUserId(req)
    const tags = req.body?.tags
    if (!Array.isArray(tags)) throw badRequest('tags', 'tags must be an array of { productId, x?, y? }')
    const parsed = tags.map((tag, i) => {
      if (!tag || typeof tag !== 'object' || typeof tag.productId !== 'string') {
        throw badRequest(`tags[${i}].productId`, `tags[${i}] needs a productId string`)
      }
      for (const axis of ['x', 'y']) {
        if (tag[axis] !== undefined && typeof tag[axis] !== 'number') {
          throw badRequest(`tags[${i}].${axis}`, `tags[${i}].${axis} must be a number`)
        }
      }
      return { productId: tag.productId, x: tag.x, y: tag.y }
    })
    res.json(await shopping.updateProductTags(req.company.id, igUserId, mediaId, parsed))
  })

  // POST /instagram/products/:productId/appeal { igUserId, reason }; GET: the appeal's status.
  r.post('/products/:productId/appeal', async (req, res) => {
    checkCompany(req)
    const productId = input.pathId(req, 'productId')
    const igUserId = input.igUserId(req)
    const reason = input.str(req, 'reason', { required: true, max: 4096 })
    res.json(await shopping.appeal(req.company.id, igUserId, productId, reason))
  })
  r.get('/products/:productId/appeal', async (req, res) => {
    checkCompany(req)
    const productId = input.pathId(req, 'productId')
    const igUserId = input.igUserId(req)
    res.json({ success: true, data: await shopping.appealStatus(req.company.id, igUserId, productId) })
  })

  // POST /instagram/tokens/sweep { withinDays? }: the token sweep of this company, now
  // (refreshes what expires within `withinDays`, default 7; lists the connections to redo).
  r.post('/tokens/sweep', async (req, res) => {
    checkCompany(req)
    const withinDays = input.int(req, 'withinDays', { min: 1, max: 59 })
    try {
      const report = await sdk.accounts.sweepTokens(req.company.id, withinDays === undefined ? undefined : withinDays * DAY_SECONDS)
      res.json({ success: true, data: report })
    } catch (err) {
      // A company that never connected has nothing to sweep.
      if (err instanceof ig.NotFoundError) return res.json({ success: true, data: { refreshed: [], reconnect: [] } })
      throw err
    }
  })
  return r
}

module.exports = { router, trialParams }
