import type { JupyterFrontEnd } from '@jupyterlab/application';
import { MainAreaWidget } from '@jupyterlab/apputils';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';

import type { ICandidateSession, IIntegrityPolicy } from '../api/types';
import { startIntegritySignals } from '../integrity/candidate';
import { recordedButton } from '../integrity/notice';
import { InterviewPanel } from '../interview/panel';
import { hexColor } from '../interview/user';
import type { RoomConnection } from '../room/provider';
import type {
  ICodeRunners,
  IDevInterviewClient,
  IWhiteboardFactory
} from '../tokens';
import { populateCandidateToolbar } from './toolbar';

/**
 * The candidate's interview: built (and its room connected) while the
 * candidate is still in the lobby, so that Join only has to show it.
 */
export class CandidateInterview {
  constructor(options: CandidateInterview.IOptions) {
    const { session, trans } = options;
    this._options = options;
    this._user = {
      name: options.name,
      color: hexColor(undefined, options.name),
      role: 'candidate'
    };
    const content = new InterviewPanel({
      session: { ...session, owner: '' },
      client: options.client,
      editorServices: options.editorServices,
      user: this._user,
      trans,
      roomParams: options.roomParams,
      whiteboard: options.whiteboard,
      runners: options.runners,
      runTimeLimitMs: options.runTimeLimitMs,
      rendermime: options.rendermime
    });
    content.addClass('jp-DevInterview-candidate');
    const widget = new MainAreaWidget({ content });
    widget.id = 'devinterview-candidate-interview';
    widget.addClass('jp-DevInterview-interviewWidget');
    widget.title.label = session.title;
    widget.title.closable = false;
    populateCandidateToolbar(widget, trans);
    widget.toolbar.addItem('recorded', recordedButton(options.policy, trans));
    this.widget = widget;
  }

  /**
   * The interview's main-area widget.
   */
  readonly widget: MainAreaWidget<InterviewPanel>;

  /**
   * The room connection.
   */
  get room(): RoomConnection {
    return this.widget.content.room;
  }

  /**
   * Tell the room whether the candidate is still in the lobby (the
   * interviewers' participants list shows it).
   */
  setInLobby(inLobby: boolean): void {
    this.room.awareness.setLocalStateField('lobby', inLobby);
  }

  /**
   * After Join: show the name just given. The server names a room
   * connection when it opens (it never takes a name from the page), so the
   * connection is opened again.
   */
  enteredAs(name: string): void {
    this._user = { ...this._user, name };
    const awareness = this.room.awareness;
    awareness.setLocalStateField('user', this._user);
    this.setInLobby(false);
    this.room.disconnect();
    this.room.connect();
  }

  /**
   * Show the interview and start the integrity signals (only this page
   * reports, and only what the lobby listed; nothing when the server records
   * no signals).
   */
  open(app: JupyterFrontEnd): void {
    const { widget } = this;
    app.shell.add(widget, 'main');
    app.shell.activateById(widget.id);
    const signals = startIntegritySignals({
      client: this._options.client,
      sessionId: this._options.session.id,
      policy: this._options.policy,
      editorNode: widget.content.editor.node,
      isReadOnly: () => widget.content.readOnly
    });
    if (signals) {
      widget.disposed.connect(() => signals.dispose());
    }
  }

  dispose(): void {
    this.widget.dispose();
  }

  private _options: CandidateInterview.IOptions;
  private _user: { name: string; color: string; role: string };
}

/**
 * A namespace for `CandidateInterview` statics.
 */
export namespace CandidateInterview {
  /**
   * What the interview needs.
   */
  export interface IOptions {
    session: ICandidateSession;
    policy: IIntegrityPolicy;
    client: IDevInterviewClient;
    editorServices: IEditorServices;
    /**
     * The candidate's name as the page shows it for now.
     */
    name: string;
    trans: TranslationBundle;
    roomParams: Record<string, string>;
    whiteboard: IWhiteboardFactory | null;
    runners: ICodeRunners | null;
    runTimeLimitMs: number;
    rendermime: IRenderMimeRegistry | null;
  }
}
