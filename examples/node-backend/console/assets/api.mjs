// Calls to the service's own routes with the session cookie; writes carry the CSRF token.
// The browser never holds an API key or a Meta token: the cookie is HttpOnly.

let csrfToken = null

/** Sets the CSRF token the session answered with (null: signed out). */
export function setCsrfToken(token) {
  csrfToken = token
}

/** An error of the service: `{ message, code, field }` and the HTTP status. */
export class ServiceError extends Error {
  constructor(status, error) {
    // Meta's own sentence for people, when it sent one, reads better than the technical message.
    super(error?.userMessage ?? error?.message ?? `request failed (${status})`)
    this.status = status
    this.code = error?.code
    this.field = error?.field
  }
}

/** Fires when a request answers 401 UNAUTHENTICATED: the session ended. */
export const sessionEnded = new EventTarget()

/**
 * One request: `api('GET', '/instagram/get-added-accounts', { query })`,
 * `api('POST', path, { body })`. Resolves to the JSON body, rejects with a ServiceError.
 */
export async function api(method, path, { query, body, signal, headers: extra } = {}) {
  const url = new URL(path, location.origin)
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, String(v))
  }
  const headers = { accept: 'application/json', ...extra }
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken
  let payload
  if (body !== undefined) {
    headers['content-type'] = 'application/json'
    payload = JSON.stringify(body)
  }
  const res = await fetch(url, { method, headers, body: payload, credentials: 'same-origin', signal })
  let json
  try {
    json = await res.json()
  } catch {
    json = undefined
  }
  // Every route of the service answers JSON: an answer without it (cut short, say, when the
  // page navigates away mid-body) is a failure, never a result of `undefined`.
  if (json === undefined || !res.ok || json?.success === false) {
    // 401 UNAUTHENTICATED: the session ended. (401 RECONNECT_REQUIRED is an Instagram connection's.)
    if (res.status === 401 && json?.error?.code === 'UNAUTHENTICATED' && !path.startsWith('/console/api/session')) {
      sessionEnded.dispatchEvent(new Event('ended'))
    }
    throw new ServiceError(res.status, json?.error)
  }
  return json
}

/**
 * Uploads a file with byte progress (XMLHttpRequest: fetch has no upload progress).
 * `onProgress(loaded, total)`; resolves to the JSON body.
 */
export function upload(path, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', path)
    xhr.setRequestHeader('content-type', file.type || 'application/octet-stream')
    xhr.setRequestHeader('x-file-name', encodeURIComponent(file.name))
    if (csrfToken) xhr.setRequestHeader('x-csrf-token', csrfToken)
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size)
    xhr.onload = () => {
      let json
      try {
        json = JSON.parse(xhr.responseText)
      } catch {
        json = undefined
      }
      if (xhr.status >= 200 && xhr.status < 300 && json?.success) resolve(json)
      else reject(new ServiceError(xhr.status, json?.error))
    }
    xhr.onerror = () => reject(new ServiceError(0, { message: 'the upload failed: the network is unreachable' }))
    xhr.send(file)
  })
}
