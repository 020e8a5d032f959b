import { ServerConnection } from '@jupyterlab/services';

import { DevInterviewAPIError } from '../api/errors';

/**
 * One request as the fake server received it.
 */
export interface IRecordedRequest {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/**
 * A fake answer: a status and a JSON body (or raw text).
 */
export interface IFakeAnswer {
  status: number;
  json?: unknown;
  text?: string;
}

/**
 * A fake Jupyter server: a `fetch` that records every request and answers
 * from `respond`. No network is involved.
 */
export class FakeServer {
  constructor(
    respond: (request: IRecordedRequest) => IFakeAnswer | Error = () => ({
      status: 200,
      json: {}
    })
  ) {
    this.respond = respond;
  }

  /**
   * What to answer; replace it to change the server's behaviour.
   */
  respond: (request: IRecordedRequest) => IFakeAnswer | Error;

  /**
   * Every request received, in order.
   */
  readonly requests: IRecordedRequest[] = [];

  /**
   * The last request received.
   */
  get last(): IRecordedRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) {
      throw new Error('The fake server received no request.');
    }
    return last;
  }

  /**
   * Server settings whose `fetch` is this fake server.
   */
  settings(
    overrides: Partial<ServerConnection.ISettings> = {}
  ): ServerConnection.ISettings {
    return ServerConnection.makeSettings({
      baseUrl: 'http://jupyter.test/user/alice/',
      wsUrl: 'ws://jupyter.test/user/alice/',
      token: '',
      ...overrides,
      fetch: this.fetch
    });
  }

  readonly fetch = async (
    input: RequestInfo | URL,
    init?: RequestInit
  ): Promise<Response> => {
    const request =
      input instanceof Request ? input : new Request(String(input), init);
    const recorded: IRecordedRequest = {
      method: request.method,
      url: request.url,
      headers: request.headers,
      body: request.body ? await request.text() : ''
    };
    this.requests.push(recorded);
    const answer = this.respond(recorded);
    if (answer instanceof Error) {
      throw answer;
    }
    const body =
      answer.text !== undefined
        ? answer.text
        : answer.json !== undefined
          ? JSON.stringify(answer.json)
          : null;
    return new Response(answer.status === 204 ? null : body, {
      status: answer.status,
      headers:
        answer.json !== undefined
          ? { 'Content-Type': 'application/json' }
          : undefined
    });
  };
}

/**
 * A session as the server would send it.
 */
export function makeSession(overrides: Record<string, unknown> = {}): any {
  return {
    id: '6f1c2f4e-1b1a-4c55-9d0e-2d6f7d1b0a01',
    title: 'Backend pairing',
    language: 'python',
    status: 'scheduled',
    owner: 'alice',
    candidate_name: 'Bob',
    planned_minutes: 60,
    created_at: '2026-11-29T10:00:00Z',
    started_at: null,
    ended_at: null,
    duration_minutes: null,
    ...overrides
  };
}

/**
 * The DevInterviewAPIError a client call rejects with (fails the test if it resolves).
 */
export async function failure(
  promise: Promise<unknown>
): Promise<DevInterviewAPIError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(DevInterviewAPIError);
    return error as DevInterviewAPIError;
  }
  throw new Error('The request was expected to fail.');
}
