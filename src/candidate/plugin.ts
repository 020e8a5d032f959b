import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { hexColor } from '../interview/user';
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
export const CANDIDATE_PLUGIN_ID = 'devinterview-jupyter:candidate';

/**
 * The candidate page: active only on the JupyterLite site built by
 * `jupyter devinterview candidate-site build` (its `jupyter-lite.json` sets
 * `devinterviewCandidate`). It takes the invite token from the link, joins,
 * removes the token from the address bar, tells the candidate exactly what is
 * recorded (until "I understand") and shows the interview panel in candidate
 * mode (editor, whiteboard and run areas, timer display, participants) — or a
 * friendly page saying why it cannot.
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

    const start = async () => {
      const [
        { DevInterviewClient },
        { candidateServerSettings },
        { InterviewPanel },
        { populateCandidateToolbar },
        recorded,
        { startIntegritySignals }
      ] = await Promise.all([
        import('../api/client'),
        import('./settings'),
        import('../interview/panel'),
        import('./toolbar'),
        import('../integrity/notice'),
        import('../integrity/candidate')
      ]);
      const client = new DevInterviewClient({
        serverSettings: candidateServerSettings(serverUrl, token, crossOrigin)
      });
      const joined = await client.join(token);
      const session = joined.session;
      // Before the interview: exactly what is recorded, until "I understand".
      const policy = joined.integrity;
      if (!recorded.wasAcknowledged(session.id, policy)) {
        const told = new recorded.RecordedNotice({
          policy,
          sessionTitle: session.title,
          trans
        });
        // The page's shell shows one widget at a time.
        notice.dispose();
        app.shell.add(told, 'main');
        app.shell.activateById(told.id);
        await told.acknowledged;
        recorded.rememberAcknowledged(session.id, policy);
        told.dispose();
        notice = new CandidateNotice();
        notice.showJoining(trans);
        app.shell.add(notice, 'main');
      }
      const name = session.candidate_name || trans.__('Candidate');
      const content = new InterviewPanel({
        session: { ...session, owner: '' },
        client,
        editorServices,
        user: { name, color: hexColor(undefined, name), role: 'candidate' },
        trans,
        roomParams,
        whiteboard,
        runners,
        runTimeLimitMs: runTimeLimitMs(),
        rendermime
      });
      content.addClass('jp-DevInterview-candidate');
      const widget = new MainAreaWidget({ content });
      widget.id = 'devinterview-candidate-interview';
      widget.addClass('jp-DevInterview-interviewWidget');
      widget.title.label = session.title;
      widget.title.closable = false;
      populateCandidateToolbar(widget, trans);
      widget.toolbar.addItem(
        'recorded',
        recorded.recordedButton(policy, trans)
      );
      notice.dispose();
      app.shell.add(widget, 'main');
      app.shell.activateById(widget.id);
      // Only this page reports, and only what the notice listed (nothing when
      // the server records no signals).
      const signals = startIntegritySignals({
        client,
        sessionId: session.id,
        policy,
        editorNode: content.editor.node,
        isReadOnly: () => content.readOnly
      });
      if (signals) {
        widget.disposed.connect(() => signals.dispose());
      }
    };
    start().catch(error => {
      console.warn('DevInterview: could not join the interview.', error);
      notice.showProblem(candidateMessage(problemOf(error), trans));
    });
  }
};
