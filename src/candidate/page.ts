import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { ICandidateMessage } from './messages';

/**
 * A full-page notice of the candidate page: "joining…", or a friendly
 * explanation of why the candidate cannot take part.
 */
export class CandidateNotice extends Widget {
  constructor() {
    super();
    this.addClass('jp-DevInterview-candidateNotice');
    this.id = 'devinterview-candidate-notice';
    this.node.setAttribute('role', 'status');
    this._title = document.createElement('h1');
    this._title.className = 'jp-DevInterview-candidateNoticeTitle';
    this._body = document.createElement('p');
    this._body.className = 'jp-DevInterview-candidateNoticeBody';
    this.node.append(this._title, this._body);
  }

  /**
   * Show that the page is joining the interview.
   */
  showJoining(trans: TranslationBundle): void {
    this.node.dataset.state = 'joining';
    delete this.node.dataset.problem;
    this._title.textContent = trans.__('Joining the interview…');
    this._body.textContent = '';
  }

  /**
   * Show a problem.
   */
  showProblem(message: ICandidateMessage): void {
    this.node.dataset.state = 'problem';
    this.node.dataset.problem = message.problem;
    this._title.textContent = message.title;
    this._body.textContent = message.body;
  }

  private _title: HTMLElement;
  private _body: HTMLElement;
}
