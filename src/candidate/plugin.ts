import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { PLUGIN_ID } from '../constants';
import { runTimeLimitMs } from '../runner/settings';
import { ICodeRunners, IWhiteboardFactory } from '../tokens';
import {
  TOKEN_STORAGE_KEY,
  fragmentWithoutToken,
  sameOrigin,
  tokenFromFragment
} from './config';
import { candidateMessage, problemOf } from './messages';
import { isCandidatePage, jupyterServerUrl } from './server';
import { CandidateNotice } from './page';

/**
 * The id of the candidate plugin.
 */
export const CANDIDATE_PLUGIN_ID = PLUGIN_ID.candidate;

/**
 * The candidate page: active only on the JupyterLite site built by
 * `jupyter devinterview candidate-site build` (its `jupyter-lite.json` sets
 * `devinterviewCandidate`). It takes the invite token from the link, removes
 * it from the address bar and opens the lobby (CandidateLobby: title,
 * interviewers, what is recorded, name, browser check) while the interview
 * loads and connects behind it; Join enters the interview panel in candidate
 * mode (editor, whiteboard and run areas, timer display, participants) — or
 * a friendly page says why it cannot.
 */
export const candidatePlugin: JupyterFrontEndPlugin<void> = {
  id: CANDIDATE_PLUGIN_ID,
  description: 'The candidate page of DevInterview (JupyterLite site only).',
  autoStart: true,
  requires: [IEditorServices],
  optional: [
    ITranslator,
    IWhiteboardFactory,
    ICodeRunners,
    IRenderMimeRegistry
  ],
  activate: (
    app: JupyterFrontEnd,
    editorServices: IEditorServices,
    translator: ITranslator | null,
    whiteboard: IWhiteboardFactory | null,
    runners: ICodeRunners | null,
    rendermime: IRenderMimeRegistry | null
  ): void => {
    if (!isCandidatePage()) {
      return;
    }
    const trans = (translator ?? nullTranslator).load('devinterview_jupyter');
    document.body.classList.add('jp-DevInterview-candidatePage');
    document.title = trans.__('Interview');

    let notice = new CandidateNotice();
    notice.showJoining(trans);
    app.shell.add(notice, 'main');

    // The token: from the link once, then from this tab's storage (reloads).
    const fromLink = tokenFromFragment(window.location.hash);
    if (fromLink) {
      try {
        window.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromLink);
      } catch {
        // Storage may be off; the token then lives only in memory.
      }
      const { pathname, search, hash } = window.location;
      window.history.replaceState(
        window.history.state,
        '',
        `${pathname}${search}${fragmentWithoutToken(hash)}`
      );
    }
    let token = fromLink;
    if (!token) {
      try {
        token = window.sessionStorage.getItem(TOKEN_STORAGE_KEY);
      } catch {
        token = null;
      }
    }
    const serverUrl = jupyterServerUrl(
      app.serviceManager.serverSettings.baseUrl
    );
    if (!token) {
      notice.showProblem(candidateMessage('no_token', trans));
      return;
    }
    if (!serverUrl) {
      notice.showProblem(candidateMessage('not_configured', trans));
      return;
    }

    // Start Python now, while the page and the interview load: it is the
    // language of most interviews and its start-up is the longest wait.
    runners?.runnerFor('python')?.warm();

    // Same origin: the HttpOnly cookie from /join opens the room. Another
    // origin: the cookie cannot go there, so the token goes in the query.
    const crossOrigin = !sameOrigin(serverUrl, window.location.href);
    const roomParams: Record<string, string> = crossOrigin
      ? { candidate_token: token }
      : {};

    // Everything loads at once: the lobby's few modules, and behind them the
    // interview's (editor, whiteboard, runs) while the lobby is read.
    const lobbyModules = Promise.all([
      import('../api/client'),
      import('./settings'),
      import('../integrity/notice'),
      import('./lobbyFlow')
    ]);
    const interviewModule = import('./interview');

    const start = async () => {
      const [
        { DevInterviewClient },
        { candidateServerSettings },
        recorded,
        { waitInLobby }
      ] = await lobbyModules;
      const client = new DevInterviewClient({
        serverSettings: candidateServerSettings(serverUrl, token, crossOrigin)
      });
      // Only looks: the interview starts when the candidate presses Join.
      const info = await client.join(token, { lobby: true });
      const { session, integrity: policy } = info;
      const acknowledged = recorded.wasAcknowledged(session.id, policy);

      // Built at once, so its room connects (the interviewers see the
      // candidate in the lobby) and Join only has to show it.
      const building = interviewModule.then(({ CandidateInterview }) => {
        const built = new CandidateInterview({
          session,
          policy,
          client,
          editorServices,
          name: info.name || trans.__('Candidate'),
          trans,
          roomParams,
          whiteboard,
          runners,
          runTimeLimitMs: runTimeLimitMs(),
          rendermime
        });
        built.setInLobby(!acknowledged);
        return built;
      });

      try {
        let name: string | null;
        if (acknowledged) {
          // A reload after Join in this tab: straight back in.
          name = (await client.join(token)).name;
          notice.dispose();
        } else {
          notice.dispose();
          name = (
            await waitInLobby({
              app,
              client,
              token,
              info,
              room: building.then(built => built.room),
              trans
            })
          ).name;
          // Joining is the acknowledgement of what is recorded: not asked
          // again in this tab.
          recorded.rememberAcknowledged(session.id, policy);
        }
        const interview = await building;
        if (!acknowledged) {
          interview.enteredAs(name || trans.__('Candidate'));
        }
        interview.open(app);
      } catch (error) {
        void building.then(
          built => built.dispose(),
          () => undefined // it was never built
        );
        throw error;
      }
    };
    start().catch(error => {
      console.warn('DevInterview: could not join the interview.', error);
      if (notice.isDisposed) {
        notice = new CandidateNotice();
        app.shell.add(notice, 'main');
      }
      notice.showProblem(candidateMessage(problemOf(error), trans));
    });
  }
};
