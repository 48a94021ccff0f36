'use strict'
// Error classes of the `instagraph` package.
//
// The native addon (binding.js + the .node file) rejects with plain `Error`s whose message is
// `__instagraph_error__:` followed by a JSON payload (see src/error.rs). `translate` turns such
// an error into the matching `InstagraphError` subclass — or into a `TypeError` naming the
// argument for bad arguments — and index.js applies it to every method, constructor and static
// of the exported classes, so callers only ever see these classes.

const MARKER = '__instagraph_error__:'

class InstagraphError extends Error {
  constructor(message, fields = {}) {
    super(message)
    this.name = new.target.name
    /** Meta's numeric error code (Graph errors) or an SDK code such as `AUTH`, `STORE`, `CONFIG`. */
    this.code = fields.code ?? null
    /** Meta's `error_subcode`. */
    this.subcode = fields.subcode ?? null
    /** Meta's `fbtrace_id` (quote it to Meta's support). */
    this.fbtraceId = fields.fbtraceId ?? null
    /** What to do: `transient`, `throttled`, `reauthRequired`, `permissionMissing`,
     * `invalidInput`, `quotaExceeded`, `notReady`, `policyBlocked` or `unknown`. */
    this.errorClass = fields.errorClass ?? null
    /** Meta's `error_user_title` (safe to show to the user). */
    this.userTitle = fields.userTitle ?? null
    /** Meta's `error_user_msg` (safe to show to the user). */
    this.userMessage = fields.userMessage ?? null
    /** The field at fault (invalid input and configuration errors); for an `AuthError` of an
     * OAuth callback, the callback parameter: `state` (unknown, used, expired or another
     * company's) or `code` (missing, used or refused). */
    this.field = fields.field ?? null
    /** The HTTP status of a Graph error. */
    this.httpStatus = fields.httpStatus ?? null
  }
}

class GraphApiError extends InstagraphError {}
class MessagingWindowError extends GraphApiError {}
class HttpError extends InstagraphError {}
class DecodeError extends InstagraphError {}
class InvalidInputError extends InstagraphError {}
class ConfigError extends InstagraphError {}
class AuthError extends InstagraphError {}
class NotFoundError extends InstagraphError {}
class StoreError extends InstagraphError {}
class PublishError extends InstagraphError {}
class QuotaExceededError extends InstagraphError {}
/** A refused webhook request: `httpStatus` (403 or 400) is the status to answer Meta with. */
class WebhookError extends InstagraphError {}

const classes = {
  InstagraphError,
  GraphApiError,
  MessagingWindowError,
  HttpError,
  DecodeError,
  InvalidInputError,
  ConfigError,
  AuthError,
  NotFoundError,
  StoreError,
  PublishError,
  QuotaExceededError,
  WebhookError,
}

// Statuses napi-rs uses when a JS value cannot be converted to the Rust argument type.
const NAPI_ARGUMENT_CODES = new Set([
  'InvalidArg',
  'ObjectExpected',
  'StringExpected',
  'NameExpected',
  'FunctionExpected',
  'NumberExpected',
  'BooleanExpected',
  'ArrayExpected',
  'BigintExpected',
  'DateExpected',
])

function translate(err, what) {
  if (!(err instanceof Error) || typeof err.message !== 'string') return err
  const at = err.message.indexOf(MARKER)
  if (at === -1) {
    if (NAPI_ARGUMENT_CODES.has(err.code)) {
      const t = new TypeError(`${what}: invalid argument: ${err.message}`)
      t.code = 'ERR_INVALID_ARG_TYPE'
      return t
    }
    return err
  }
  let payload
  try {
    payload = JSON.parse(err.message.slice(at + MARKER.length))
  } catch {
    return err
  }
  if (payload.name === 'TypeError') {
    const t = new TypeError(`${what}: ${payload.message}`)
    t.code = 'ERR_INVALID_ARG_VALUE'
    t.argument = payload.argument
    return t
  }
  const Class = classes[payload.name] ?? InstagraphError
  return new Class(payload.message, payload)
}

module.exports = { ...classes, translate, MARKER }
