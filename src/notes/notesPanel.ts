import type { IEditorServices } from '@jupyterlab/codeeditor';
import type { CodeEditorWrapper } from '@jupyterlab/codeeditor';
import type { ServerConnection } from '@jupyterlab/services';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';

import { createInterviewEditor } from '../interview/editor';
import { ParticipantsList } from '../interview/participants';
import { notesStatusText } from './status';
import type { IRoomUser } from '../room/provider';
import { RoomConnection } from '../room/provider';

/**
 * The interviewers' private notes of one session, edited together live: a
 * room of its own on the server (never the candidate's room), shown in an
 * editor with the other interviewers' cursors and a list of who is here.
 */
export class NotesPanel extends Panel {
  constructor(options: NotesPanel.IOptions) {
    super();
    this.addClass('jp-DevInterview-notes');
    this.sessionId = options.sessionId;
    const trans = options.trans;
    this._trans = trans;
    this.room = new RoomConnection({
      sessionId: options.sessionId,
      serverSettings: options.serverSettings,
      user: options.user,
      kind: 'notes'
    });

    const header = new Panel();
    header.addClass('jp-DevInterview-notesHeader');
    const privacy = new Widget();
    privacy.addClass('jp-DevInterview-notesPrivacy');
    privacy.node.textContent = trans.__(
      'Private: only the interviewers of this session see these notes. The candidate never does.'
    );
    header.addWidget(privacy);
    this.participants = new ParticipantsList({
      awareness: this.room.awareness,
      trans
    });
    this.participants.node.setAttribute(
      'aria-label',
      trans.__('Interviewers writing notes')
    );
    header.addWidget(this.participants);
    this._status = new Widget();
    this._status.addClass('jp-DevInterview-notesStatus');
    this._status.node.setAttribute('role', 'status');
    header.addWidget(this._status);
    this.addWidget(header);

    this.editor = createInterviewEditor({
      editorServices: options.editorServices,
      sharedModel: this.room.sharedModel,
      mimeType: 'text/x-ipythongfm',
      fontSize: options.fontSize ?? null
    });
    this.editor.addClass('jp-DevInterview-notesEditor');
    this.editor.node.setAttribute('aria-label', trans.__('Private notes'));
    this.addWidget(this.editor);

    this.room.stateChanged.connect(this._updateStatus, this);
    this._updateStatus();
  }

  /**
   * The session whose notes these are.
   */
  readonly sessionId: string;

  /**
   * The notes room's connection.
   */
  readonly room: RoomConnection;

  /**
   * The notes editor.
   */
  readonly editor: CodeEditorWrapper;

  /**
   * Who has the notes open (from the notes room's awareness).
   */
  readonly participants: ParticipantsList;

  /**
   * The notes as they are now.
   */
  get text(): string {
    return this.room.sharedModel.getSource();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.room.stateChanged.disconnect(this._updateStatus, this);
    super.dispose();
    this.room.dispose();
  }

  protected onActivateRequest(): void {
    this.editor.editor.focus();
  }

  private _updateStatus(): void {
    const text = notesStatusText(
      this.room.state,
      this.room.closure,
      this._trans
    );
    this._status.node.textContent = text;
    this._status.node.hidden = text === '';
    this.editor.editor.setOption('readOnly', this.room.closure !== null);
  }

  private _trans: TranslationBundle;
  private _status: Widget;
}

/**
 * A namespace for `NotesPanel` statics.
 */
export namespace NotesPanel {
  /**
   * The options of a notes panel.
   */
  export interface IOptions {
    sessionId: string;
    serverSettings: ServerConnection.ISettings;
    editorServices: IEditorServices;
    user: IRoomUser;
    trans: TranslationBundle;
    fontSize?: number | null;
  }
}
