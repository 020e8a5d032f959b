import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { API_PATH } from '../api/client';
import { DevInterviewAPIError, ErrorMessages } from '../api/errors';
import type { IDevInterviewClient } from '../tokens';
import type { IReplayState, IReplayTimeline } from './model';
import { ReplayFormatError, readState, readTimeline } from './model';

/**
 * The report notebook as the server sent it.
 */
export interface IReportNotebook {
  /**
   * The notebook (nbformat 4 JSON).
   */
  notebook: Record<string, unknown>;
  /**
   * The file name the server suggests (`Content-Disposition`), if any.
   */
  filename: string | null;
  /**
   * The notebook's text exactly as received (what a download saves).
   */
  text: string;
}

/**
 * The requests of the replay panel and the report commands. They go through
 * `ServerConnection.makeRequest` with the REST client's settings, so they
 * carry the same Jupyter token and XSRF cookie as every other request, and
 * fail with the same `DevInterviewAPIError`.
 */
export class ReplayClient {
  constructor(client: Pick<IDevInterviewClient, 'serverSettings'>) {
    this._settings = client.serverSettings;
  }

  /**
   * The timeline of a session (live or ended).
   */
  async timeline(sessionId: string): Promise<IReplayTimeline> {
    const { text } = await this._get(['sessions', sessionId, 'replay']);
    return readTimeline(parse(text));
  }

  /**
   * The room as it was after `step`. An aborted `signal` rejects with the
   * `AbortError` of `fetch`.
   */
  async state(
    sessionId: string,
    step: number,
    signal?: AbortSignal
  ): Promise<IReplayState> {
    const { text } = await this._get(
      ['sessions', sessionId, 'replay', 'state'],
      `step=${encodeURIComponent(String(step))}`,
      signal
    );
    return readState(parse(text));
  }

  /**
   * The report of a session as a notebook (`GET /sessions/{id}/report.ipynb`).
   */
  async reportNotebook(sessionId: string): Promise<IReportNotebook> {
    const { text, response } = await this._get([
      'sessions',
      sessionId,
      'report.ipynb'
    ]);
    const notebook = parse(text);
    if (
      notebook === null ||
      typeof notebook !== 'object' ||
      Array.isArray(notebook) ||
      !Array.isArray((notebook as { cells?: unknown }).cells)
    ) {
      throw new ReplayFormatError('the report is not a notebook');
    }
    return {
      notebook: notebook as Record<string, unknown>,
      filename: filenameOf(response.headers.get('Content-Disposition')),
      text
    };
  }

  private async _get(
    segments: string[],
    query = '',
    signal?: AbortSignal
  ): Promise<{ text: string; response: Response }> {
    const url =
      URLExt.join(
        this._settings.baseUrl,
        API_PATH,
        ...segments.map(encodeURIComponent)
      ) + (query ? `?${query}` : '');
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { method: 'GET', signal },
        this._settings
      );
    } catch (error) {
      if (signal?.aborted) {
        throw error;
      }
      throw new DevInterviewAPIError(ErrorMessages.network, {
        status: 0,
        cause: error
      });
    }
    const text = await response.text();
    if (!response.ok) {
      let data: any = undefined;
      try {
        data = JSON.parse(text);
      } catch {
        // Not JSON (a proxy's error page): the status says enough.
      }
      const message =
        data && typeof data.message === 'string' && data.message
          ? data.message
          : ErrorMessages.forStatus(response.status, response.statusText);
      throw new DevInterviewAPIError(message, {
        status: response.status,
        reason:
          data && typeof data.reason === 'string' ? data.reason : undefined
      });
    }
    return { text, response };
  }

  private _settings: ServerConnection.ISettings;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ReplayFormatError('not JSON');
  }
}

/**
 * The file name of a `Content-Disposition` header (`filename*=UTF-8''…` or
 * `filename="…"`), without any folder part, or null.
 */
export function filenameOf(header: string | null): string | null {
  if (!header) {
    return null;
  }
  let name: string | null = null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const plain = /filename\s*=\s*("([^"]*)"|[^;]+)/.exec(header);
    name = plain ? (plain[2] ?? plain[1]).trim() : null;
  }
  if (!name) {
    return null;
  }
  // Never a path: the browser saves where the user says, under this name only.
  const base = name.split(/[\\/]/).pop() ?? '';
  return base && base !== '.' && base !== '..' ? base : null;
}
