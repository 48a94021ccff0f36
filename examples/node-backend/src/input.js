'use strict'
// Reading parameters: from the JSON body first, then the query string. Every failure is a 400
// that names the field.

const { badRequest } = require('./errors')

// Graph ids are digits; conversation and message ids are URL-safe base64-ish strings.
const ID = /^[A-Za-z0-9_.:=-]{1,256}$/

/** `[name, value, inBody]`: the first of `names` given, and whether it came in the JSON body. */
function raw(req, names) {
  for (const name of names) {
    const fromBody = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? req.body[name] : undefined
    if (fromBody !== undefined && fromBody !== null && fromBody !== '') return [name, fromBody, true]
    const fromQuery = req.query?.[name]
    if (fromQuery !== undefined && fromQuery !== '') return [name, fromQuery, false]
  }
  return [names[0], undefined, false]
}

// The most characters a text parameter may carry: a bound on what a request holds, not a rule
// of Meta's (the SDK checks those, e.g. a caption's 2,200 characters, and names the field).
const MAX_TEXT = 64 * 1024

/** A string parameter (aliases allowed: the first name is the one errors report). */
function str(req, names, { required = false, max = MAX_TEXT } = {}) {
  names = [].concat(names)
  const [, value] = raw(req, names)
  if (value === undefined) {
    if (required) throw badRequest(names[0], `${names[0]} is required`)
    return undefined
  }
  if (typeof value !== 'string') throw badRequest(names[0], `${names[0]} must be a string`)
  if (value.length > max) throw badRequest(names[0], `${names[0]} is longer than ${max} characters`)
  return value
}

/** An id parameter. */
function id(req, names, { required = true } = {}) {
  names = [].concat(names)
  const value = str(req, names, { required, max: 256 })
  if (value !== undefined && !ID.test(value)) throw badRequest(names[0], `${names[0]} is not a valid id`)
  return value
}

/** A path parameter id (`/media/:id`). */
function pathId(req, name = 'id', field = name) {
  const value = req.params[name]
  if (typeof value !== 'string' || !ID.test(value)) throw badRequest(field, `${field} is not a valid id`)
  return value
}

/** The IG account a route acts on (`igUserId`; the old names `instagramBusinessId` and `accountId` too). */
function igUserId(req) {
  return id(req, ['igUserId', 'instagramBusinessId', 'accountId'])
}

/**
 * A list: an array in a JSON body; in the query string, a comma-separated string (or the
 * parameter repeated). A JSON body's string is refused: `"nope"` is not a list of one.
 */
function list(req, names, { required = false, max = 100, itemMax = 256 } = {}) {
  names = [].concat(names)
  const [, value, inBody] = raw(req, names)
  if (value === undefined) {
    if (required) throw badRequest(names[0], `${names[0]} is required`)
    return undefined
  }
  let items
  if (Array.isArray(value)) items = value
  else if (typeof value === 'string' && !inBody) items = value.split(',').map((s) => s.trim()).filter(Boolean)
  else if (inBody) throw badRequest(names[0], `${names[0]} must be an array`)
  else throw badRequest(names[0], `${names[0]} must be a comma-separated list`)
  if (items.length === 0 && required) throw badRequest(names[0], `${names[0]} must not be empty`)
  if (items.length > max) throw badRequest(names[0], `${names[0]} has more than ${max} items`)
  for (const item of items) {
    if (typeof item !== 'string' || item === '' || item.length > itemMax) {
      throw badRequest(names[0], `${names[0]} must hold non-empty strings`)
    }
  }
  return items
}

/** A list of ids. */
function ids(req, names, options) {
  const items = list(req, names, options)
  const name = [].concat(names)[0]
  for (const item of items ?? []) if (!ID.test(item)) throw badRequest(name, `${name} holds an invalid id`)
  return items
}

/** An integer within bounds. */
function int(req, name, { min = 1, max = 100 } = {}) {
  const [, value] = raw(req, [name])
  if (value === undefined) return undefined
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(String(value)) ? Number(value) : NaN
  if (!Number.isInteger(n) || n < min || n > max) throw badRequest(name, `${name} must be an integer from ${min} to ${max}`)
  return n
}

/** A boolean (`true`/`false`, also as strings). */
function bool(req, name, { required = false } = {}) {
  const [, value] = raw(req, [name])
  if (value === undefined) {
    if (required) throw badRequest(name, `${name} is required`)
    return undefined
  }
  if (value === true || value === 'true') return true
  if (value === false || value === 'false') return false
  throw badRequest(name, `${name} must be true or false`)
}

/** An absolute http(s) URL. */
function url(req, names, { required = false } = {}) {
  names = [].concat(names)
  const value = str(req, names, { required, max: 4096 })
  if (value === undefined) return undefined
  let parsed
  try {
    parsed = new URL(value)
  } catch {
    throw badRequest(names[0], `${names[0]} is not an absolute URL`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw badRequest(names[0], `${names[0]} must be an http(s) URL`)
  }
  return value
}

/**
 * A time (RFC 3339 / ISO 8601 string or epoch milliseconds), parsed only: what range is allowed
 * is the caller's (the SDK bounds `publishAt`; `pastTime` bounds filters).
 */
function time(req, name, { required = false } = {}) {
  const [, value] = raw(req, [name])
  if (value === undefined) {
    if (required) throw badRequest(name, `${name} is required`)
    return undefined
  }
  const date = typeof value === 'number' ? new Date(value) : typeof value === 'string' ? new Date(value) : null
  if (!date || Number.isNaN(date.getTime())) throw badRequest(name, `${name} must be an ISO 8601 time`)
  return date
}

// Nothing on Instagram is older than its launch, and nothing in it happened after today: a date
// filter outside that is a mistake (a wrong year, seconds for milliseconds), and a range from
// 1900 would have the SDK fetch insights 30 days at a time for a century.
const INSTAGRAM_LAUNCH = Date.UTC(2010, 9, 6)
const DAY_MS = 24 * 3600 * 1000

/** A time that filters what already happened (`since`, `until`): from 2010-10-06 to today. */
function pastTime(req, name) {
  const date = time(req, name)
  if (date && (date.getTime() < INSTAGRAM_LAUNCH || date.getTime() > Date.now() + DAY_MS)) {
    throw badRequest(name, `${name} must be from 2010-10-06 (Instagram's launch) to today`)
  }
  return date
}

/** The value of a parameter given as one of the allowed words. */
function oneOf(req, name, allowed) {
  const value = str(req, name, { max: 64 })
  if (value !== undefined && !allowed.includes(value)) {
    throw badRequest(name, `${name} must be one of ${allowed.join(', ')}`)
  }
  return value
}

module.exports = { str, id, pathId, igUserId, list, ids, int, bool, url, time, pastTime, oneOf }
