'use strict'
// Argument checks from the table build.rs derives from the Rust declarations
// (`native.__argumentTable()`): each parameter's JS name and the JS kinds its Rust type accepts.
//
// napi's own conversion errors ("Failed to convert JavaScript value `Number 42 ` into rust type
// `String`") do not say which argument was wrong; these checks run first and throw a TypeError
// with `argument` set to the parameter's name (`ids[2]` for an array element). A kind the table
// leaves open (`any`: a `serde_json::Value`, an `Unknown`) is judged by the Rust side, which
// names its arguments itself; a wrong field of a `#[napi(object)]` argument is named from napi's
// error (see `fieldError`).

const LABELS = {
  string: 'string',
  number: 'number',
  boolean: 'boolean',
  bigint: 'bigint',
  buffer: 'Buffer',
  date: 'Date',
  function: 'function',
  object: 'object',
}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Whether `value` is of `kind`; `classes` maps class names to the native classes. */
function accepts(kind, value, classes) {
  if (typeof kind === 'string') {
    switch (kind) {
      case 'any':
        return true
      case 'string':
      case 'number':
      case 'boolean':
      case 'bigint':
      case 'function':
        return typeof value === kind
      case 'buffer':
        return ArrayBuffer.isView(value) || value instanceof ArrayBuffer
      case 'date':
        return value instanceof Date
      case 'object':
        return isObject(value)
      default:
        return true
    }
  }
  if (kind.optional !== undefined) return value === undefined || value === null || accepts(kind.optional, value, classes)
  if (kind.array !== undefined) return Array.isArray(value) && value.every((v) => accepts(kind.array, v, classes))
  if (kind.either !== undefined) return kind.either.some((k) => accepts(k, value, classes))
  if (kind.instance !== undefined) {
    const Class = classes[kind.instance]
    return Class === undefined || value instanceof Class
  }
  if (kind.object !== undefined) return isObject(value)
  return true
}

function label(kind) {
  if (typeof kind === 'string') return LABELS[kind] ?? kind
  if (kind.optional !== undefined) return `${label(kind.optional)} (or nothing)`
  if (kind.array !== undefined) return `array of ${label(kind.array)}`
  if (kind.either !== undefined) return kind.either.map(label).join(' | ')
  if (kind.instance !== undefined) return `a ${kind.instance}`
  if (kind.object !== undefined) return `an object (${kind.object})`
  return 'any'
}

function describe(v) {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (v instanceof Date) return 'a Date'
  const t = typeof v
  return t === 'object' ? 'an object' : t === 'undefined' ? 'undefined' : `a ${t}`
}

function typeError(what, argument, expected, value) {
  const e = new TypeError(`${what}: invalid argument \`${argument}\`: expected ${expected}, got ${describe(value)}`)
  e.code = 'ERR_INVALID_ARG_TYPE'
  e.argument = argument
  return e
}

/** The TypeError of the first argument of `args` that `signature` refuses, or `null`. */
function checkArguments(signature, args, what, classes) {
  if (!signature) return null
  const { params } = signature
  for (let i = 0; i < params.length; i++) {
    const { name, kind } = params[i]
    const value = args[i]
    if (accepts(kind, value, classes)) continue
    // A bad element of an array names the element, as the Rust side does (`ids[2]`).
    const inner = kind.optional ?? kind
    if (inner.array !== undefined && Array.isArray(value)) {
      const at = value.findIndex((v) => !accepts(inner.array, v, classes))
      return typeError(what, `${name}[${at}]`, label(inner.array), value[at])
    }
    return typeError(what, name, label(kind), value)
  }
  return null
}

/** A napi conversion error of a `#[napi(object)]` field (`... on StartConnectRequest.companyId`)
 * as a TypeError naming `request.companyId`, or `null` when `err` is not one. */
function fieldError(signature, err, what) {
  if (!signature || !(err instanceof Error)) return null
  const m = / on (\w+)\.(\w+)$/.exec(err.message) || /^Missing field `(\w+)`$/.exec(err.message)
  if (!m) return null
  const [struct, field] = m.length === 3 ? [m[1], m[2]] : [null, m[1]]
  const objectOf = (kind) => kind.object ?? kind.optional?.object ?? kind.array?.object
  const param = signature.params.find((p) => objectOf(p.kind) !== undefined && (struct === null || objectOf(p.kind) === struct))
  if (!param) return null
  const e = new TypeError(`${what}: invalid argument \`${param.name}.${field}\`: ${err.message}`)
  e.code = 'ERR_INVALID_ARG_TYPE'
  e.argument = `${param.name}.${field}`
  return e
}

module.exports = { checkArguments, fieldError }
