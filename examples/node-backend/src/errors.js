'use strict'
// One place maps every failure to an HTTP status and the body
// `{ success: false, error: { message, code, field? } }`. User input never yields a 500; a 5xx
// says what failed in words for people, and the error's own text goes to the log only.

const ig = require('instagraph')

/** An error a route raises on purpose (bad input, a forbidden company, ...). */
class ApiError extends Error {
  constructor(status, code, message, field, extra) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.field = field
    this.extra = extra
  }
}

const badRequest = (field, message) => new ApiError(400, 'INVALID_INPUT', message, field)
const forbidden = (message, field) => new ApiError(403, 'FORBIDDEN', message, field)
const notFound = (message, field) => new ApiError(404, 'NOT_FOUND', message, field)

// What a Graph error class means for the caller of this service.
const GRAPH_STATUS = {
  invalidInput: 400,
  permissionMissing: 403,
  reauthRequired: 401,
  throttled: 429,
  quotaExceeded: 429,
  notReady: 409,
  policyBlocked: 422,
  transient: 503,
}

// The SDK names arguments as its own API does (the core's input errors in snake_case); the
// routes name them as the HTTP API does (camelCase).
const FIELD_NAMES = {
  children: 'items',
  igUserIds: 'accountIds',
  igUserId: 'igUserId',
  'request.companyId': 'companyId',
  'request.scopes': 'scopes',
  'request.redirectUri': 'redirectURIs',
  'request.clientId': 'agencyClientId',
  media_after: 'after',
}

function field(name) {
  if (!name) return undefined
  return FIELD_NAMES[name] ?? name.replace(/_([a-z])/g, (_, c) => c.toUpperCase())
}

// What a 5xx body says: the service's failure in words for people. The error's own text (a
// database driver's, a file path, a Rust panic) goes to the log only.
const FAILURES = {
  INTERNAL: 'Something went wrong on our side; the failure was logged.',
  CONFIG: 'The service is not configured correctly; the failure was logged for its operator.',
  STORE_UNAVAILABLE: 'The service cannot reach its database right now; try again shortly.',
  GRAPH_API_ERROR: "Instagram's API failed; try again shortly.",
  PUBLISH_FAILED: 'Instagram did not publish the post; try again shortly.',
  UPSTREAM: 'Instagram could not be reached or answered unexpectedly; try again shortly.',
}

// The codes the package gives bad arguments (errors.js of `instagraph`): a TypeError without
// one is a bug of this service, not bad input.
const ARGUMENT_CODES = new Set(['ERR_INVALID_ARG_TYPE', 'ERR_INVALID_ARG_VALUE'])

/** The status, code and public fields of any error (from its class and typed fields only). */
function describe(err) {
  if (err instanceof ApiError) {
    return { status: err.status, code: err.code, field: err.field, extra: err.extra }
  }
  // express.json / express.raw: malformed or oversized bodies.
  if (err && typeof err.type === 'string' && err.type.startsWith('entity.')) {
    const status = err.type === 'entity.too.large' ? 413 : 400
    return { status, code: err.type === 'entity.parse.failed' ? 'MALFORMED_JSON' : 'BAD_BODY', message: err.message }
  }
  if (err instanceof TypeError && ARGUMENT_CODES.has(err.code)) {
    return { status: 400, code: 'INVALID_ARGUMENT', field: field(err.argument) }
  }
  if (err instanceof ig.InvalidInputError) return { status: 400, code: err.code ?? 'INVALID_INPUT', field: field(err.field) }
  if (err instanceof ig.NotFoundError) return { status: 404, code: 'NOT_FOUND' }
  if (err instanceof ig.QuotaExceededError) return { status: 429, code: err.code ?? 'QUOTA_EXCEEDED' }
  if (err instanceof ig.AuthError) {
    if (err.errorClass === 'reauthRequired') return { status: 401, code: 'RECONNECT_REQUIRED' }
    return { status: err.errorClass === 'permissionMissing' ? 403 : 401, code: 'INSTAGRAM_AUTH' }
  }
  if (err instanceof ig.MessagingWindowError) {
    return { status: 422, code: 'MESSAGING_WINDOW', graph: graphFields(err) }
  }
  if (err instanceof ig.GraphApiError) {
    // 100/33: the object does not exist or this token cannot reach it (another company's).
    const missing = err.code === 100 && err.subcode === 33
    const reconnect = err.errorClass === 'reauthRequired'
    return {
      status: missing ? 404 : GRAPH_STATUS[err.errorClass] ?? 502,
      code: missing ? 'NOT_FOUND' : reconnect ? 'RECONNECT_REQUIRED' : 'GRAPH_API_ERROR',
      graph: graphFields(err),
    }
  }
  if (err instanceof ig.PublishError) {
    const status = err.errorClass === 'invalidInput' || err.errorClass === 'policyBlocked' ? 422 : 502
    return { status, code: 'PUBLISH_FAILED', graph: graphFields(err) }
  }
  // A setting missing or wrong (an app secret, a redirect URI) found when a request needed it:
  // the operator's to fix, never the caller's.
  if (err instanceof ig.ConfigError) return { status: 500, code: 'CONFIG' }
  if (err instanceof ig.StoreError) return { status: 503, code: 'STORE_UNAVAILABLE' }
  if (err instanceof ig.HttpError || err instanceof ig.DecodeError) return { status: 502, code: 'UPSTREAM' }
  return { status: 500, code: 'INTERNAL' }
}

function graphFields(err) {
  return {
    graphCode: err.code ?? null,
    subcode: err.subcode ?? null,
    errorClass: err.errorClass ?? null,
    userMessage: err.userMessage ?? null,
    fbtraceId: err.fbtraceId ?? null,
  }
}

/** The body of an error response. */
function errorBody(err) {
  const d = describe(err)
  const message = d.status >= 500 ? FAILURES[d.code] ?? (d.status === 500 ? FAILURES.INTERNAL : FAILURES.UPSTREAM) : d.message ?? err.message
  const error = { message, code: d.code }
  if (d.field) error.field = d.field
  if (d.graph) Object.assign(error, d.graph)
  return { status: d.status, body: { success: false, error, ...(d.extra ?? {}) } }
}

/** The line the log gets for a failure: the error's own text, kept out of responses. */
function logLine(where, status, err) {
  const detail = err?.stack && !(err instanceof ig.InstagraphError) ? err.stack : `${err?.name}: ${err?.message}`
  return `${where} → ${status}: ${detail}`
}

/** The Express error middleware. */
function errorMiddleware(log) {
  // eslint-disable-next-line no-unused-vars
  return (err, req, res, next) => {
    const { status, body } = errorBody(err)
    if (status >= 500) log(logLine(`${req.method} ${req.path}`, status, err))
    if (res.headersSent) return
    res.status(status).json(body)
  }
}

module.exports = { ApiError, badRequest, forbidden, notFound, errorBody, errorMiddleware, logLine }
