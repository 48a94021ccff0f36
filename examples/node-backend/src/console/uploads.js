'use strict'
// Files uploaded from the console's composer. Meta fetches a post's media by URL, so an upload
// is kept in memory under an unguessable id and served at /console/uploads/:id without a
// session (as a CDN would). Bounded: a size per file, a total, a count, and an age.

const { randomBytes } = require('node:crypto')

const TYPES = new Map([
  ['image/jpeg', 'image'],
  ['image/png', 'image'],
  ['video/mp4', 'video'],
  ['video/quicktime', 'video'],
])
const DEFAULTS = { maxFileBytes: 50 * 1024 * 1024, maxTotalBytes: 200 * 1024 * 1024, maxFiles: 100, maxAgeMs: 24 * 3600_000 }

class Uploads {
  constructor(options = {}) {
    this.limits = { ...DEFAULTS, ...options }
    this.byId = new Map()
    this.total = 0
  }

  /** The kind of media a content type is (`image`, `video`), or undefined when not accepted. */
  static kindOf(contentType) {
    return TYPES.get(String(contentType ?? '').split(';')[0].trim().toLowerCase())
  }

  /** Keeps `bytes` of `contentType` (oldest uploads are dropped to make room): the new id. */
  add(contentType, bytes) {
    this.expire()
    const id = randomBytes(24).toString('base64url')
    this.byId.set(id, { contentType, bytes, at: Date.now() })
    this.total += bytes.length
    while (this.byId.size > this.limits.maxFiles || this.total > this.limits.maxTotalBytes) this.drop(this.byId.keys().next().value)
    return id
  }

  get(id) {
    this.expire()
    return this.byId.get(id)
  }

  drop(id) {
    const file = this.byId.get(id)
    if (!file) return
    this.total -= file.bytes.length
    this.byId.delete(id)
  }

  expire() {
    const oldest = Date.now() - this.limits.maxAgeMs
    for (const [id, file] of this.byId) {
      if (file.at >= oldest) break
      this.drop(id)
    }
  }
}

module.exports = { Uploads }
