/**
 * What went wrong with a request to the DevInterview REST API.
 */
export type DevInterviewErrorKind =
  /** The server could not be reached at all. */
  | 'network'
  /** The server answered 503: its database is unavailable. */
  | 'unavailable'
  /** Any other non-2xx answer. */
  | 'http';

/**
 * The options of a `DevInterviewAPIError`.
 */
export interface IDevInterviewAPIErrorOptions {
  /**
   * The HTTP status, or 0 when the server could not be reached.
   */
  status: number;
  /**
   * The machine-readable reason from the error body, when the server gave one.
   */
  reason?: string;
  /**
   * The underlying error, e.g. the failed `fetch`.
   */
  cause?: unknown;
}

/**
 * The error thrown by every `IDevInterviewClient` method.
 *
 * `message` is the server's own message (the `message` of its JSON error body)
 * when it sent one, else a clear sentence made here.
 */
export class DevInterviewAPIError extends Error {
  constructor(message: string, options: IDevInterviewAPIErrorOptions) {
    super(message);
    this.name = 'DevInterviewAPIError';
    this.status = options.status;
    this.reason = options.reason;
    this.cause = options.cause;
  }

  /**
   * The HTTP status, or 0 for a network failure.
   */
  readonly status: number;

  /**
   * The machine-readable reason from the error body, if any.
   */
  readonly reason: string | undefined;

  /**
   * The underlying error, if any.
   */
  readonly cause: unknown;

  /**
   * What kind of failure this is.
   */
  get kind(): DevInterviewErrorKind {
    if (this.status === 0) {
      return 'network';
    }
    return this.status === 503 ? 'unavailable' : 'http';
  }
}

/**
 * Messages used when the server gave none (or could not be reached).
 */
export namespace ErrorMessages {
  export const network =
    'Cannot reach the Jupyter server: check your network connection and that the server is running.';
  export const unavailable =
    'The DevInterview database is unavailable. Try again in a moment.';
  export const notFound =
    'Not found. Is the devinterview_jupyter server extension installed and enabled?';

  /**
   * The message for a status when the server sent no JSON `message`.
   */
  export function forStatus(status: number, statusText: string): string {
    switch (status) {
      case 503:
        return unavailable;
      case 404:
        return notFound;
      case 401:
        return 'Not authenticated: log in to Jupyter again.';
      case 403:
        return 'Forbidden: you may not do this.';
      default:
        return `Request failed with status ${status}${statusText ? ` (${statusText})` : ''}.`;
    }
  }
}
