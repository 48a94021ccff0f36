'use strict'
// Reading parameters: from the JSON body first, then the query string. Every failure is a 400
// that names the field.

const { badRequest } = require('./errors')

// Graph ids are digits; conversation and message ids are URL-safe base64-ish strings.
const ID = /^[A-Za-z0-9_.:=-]{1,256}$/

function raw(req, names) {
  for (const name of names) {
    const fromBody = req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body) ? req.body[name] : undefined
    if (fromBody !== undefined && fromBody !== null && fromBody !== '') return [name, fromBody]
    const fromQuery = req.query?.[name]
    if (fromQuery !== undefined && fromQuery !== '') return [name, fromQuery]
  }
  return [names[0], undefined]
}

/** A string parameter (aliases allowed: the first name is the one errors report). */
function str(req, names, { required = false, max = 2200 } = {}) {
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

/** A list: a JSON array or a comma-separated string. */
function list(req, names, { required = false, max = 100, itemMax = 256 } = {}) {
  names = [].concat(names)
  const [, value] = raw(req, names)
  if (value === undefined) {
    if (required) throw badRequest(names[0], `${names[0]} is required`)
    return undefined
  }
  let items
  if (Array.isArray(value)) items = value
  else if (typeof value === 'string') items = value.split(',').map((s) => s.trim()).filter(Boolean)
  else throw badRequest(names[0], `${names[0]} must be an array or a comma-separated string`)
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

/** A time (RFC 3339 / ISO 8601 string or epoch milliseconds). */
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

/** The value of a parameter given as one of the allowed words. */
function oneOf(req, name, allowed) {
  const value = str(req, name, { max: 64 })
  if (value !== undefined && !allowed.includes(value)) {
    throw badRequest(name, `${name} must be one of ${allowed.join(', ')}`)
  }
  return value
}

module.exports = { str, id, pathId, igUserId, list, ids, int, bool, url, time, oneOf }
