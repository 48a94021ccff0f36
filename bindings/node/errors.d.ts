/** The base of every error the SDK raises (bad arguments raise `TypeError`s instead). */
export declare class InstagraphError extends Error {
  /** Meta's numeric error code (Graph errors) or an SDK code such as `AUTH`, `STORE`, `CONFIG`. */
  readonly code: number | string | null
  /** Meta's `error_subcode`. */
  readonly subcode: number | null
  /** Meta's `fbtrace_id`. */
  readonly fbtraceId: string | null
  /** What to do about it. */
  readonly errorClass:
    | 'transient'
    | 'throttled'
    | 'reauthRequired'
    | 'permissionMissing'
    | 'invalidInput'
    | 'quotaExceeded'
    | 'notReady'
    | 'policyBlocked'
    | 'unknown'
    | null
  /** Meta's `error_user_title`. */
  readonly userTitle: string | null
  /** Meta's `error_user_msg`. */
  readonly userMessage: string | null
  /** The field at fault (invalid input and configuration errors); for an `AuthError` of an
   * OAuth callback, the callback parameter: `state` (unknown, used, expired or another
   * company's) or `code` (missing, used or refused). */
  readonly field: string | null
  /** The HTTP status of a Graph error. */
  readonly httpStatus: number | null
}
export declare class GraphApiError extends InstagraphError {}
export declare class MessagingWindowError extends GraphApiError {}
export declare class HttpError extends InstagraphError {}
export declare class DecodeError extends InstagraphError {}
export declare class InvalidInputError extends InstagraphError {}
export declare class ConfigError extends InstagraphError {}
export declare class AuthError extends InstagraphError {}
export declare class NotFoundError extends InstagraphError {}
export declare class StoreError extends InstagraphError {}
export declare class PublishError extends InstagraphError {}
export declare class QuotaExceededError extends InstagraphError {}
/** A refused webhook request (`verifyChallenge`, `verifySignature`, `parse`): `httpStatus` (403
 * or 400) is the status to answer with; `code` says why (`SIGNATURE_MISMATCH`, ...). */
export declare class WebhookError extends InstagraphError {
  readonly httpStatus: 400 | 403
}
