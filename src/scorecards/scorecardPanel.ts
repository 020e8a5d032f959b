import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { Message } from '@lumino/messaging';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { DevInterviewAPIError } from '../api/errors';
import type {
  IScorecard,
  IScorecardCriterion,
  IRubricCriterion,
  IScorecardUpdate,
  ScorecardRecommendation
} from '../api/types';
import type { IDevInterviewClient } from '../tokens';
import type { AutosaveState } from './autosave';
import { Autosave } from './autosave';
import { renderScorecardCard, uniqueId } from './card';
import {
  RATINGS,
  RECOMMENDATIONS,
  formatRating,
  formatRecommendation,
  isRecommendation
} from './format';

/**
 * Longest comment of a criterion and longest summary the server accepts.
 */
export const MAX_COMMENT_LENGTH = 5000;
export const MAX_SUMMARY_LENGTH = 10000;

/**
 * The interviewer's scorecard of a session: a rating (1–4) and a comment per
 * criterion, the overall recommendation and a summary, saved as a draft while
 * it is written, then submitted (and locked).
 *
 * To avoid anchoring, the others' scorecards are shown only once one's own is
 * submitted (the server enforces it; the panel says so). Interviewers only:
 * the candidate page never creates it.
 */
export class ScorecardPanel extends Widget {
  constructor(options: ScorecardPanel.IOptions) {
    super();
    this.sessionId = options.sessionId;
    this._client = options.client;
    this._trans = options.trans;
    this._confirm = options.confirm ?? confirmWithDialog(this._trans);
    this._saver = new Autosave({
      save: () => this._saveDraft(),
      delayMs: options.saveDelayMs
    });
    this._saver.stateChanged.connect(this._onSaveState, this);
    this.addClass('jp-DevInterview-scorecard');
    this.node.dataset.sessionId = options.sessionId;
    this.node.tabIndex = -1; // focusable when activated with nothing inside
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Scorecard'));
    this._buildDOM(options.sessionTitle ?? '');
    this._ready = this.load();
  }

  /**
   * The session the scorecard is of.
   */
  readonly sessionId: string;

  /**
   * Resolves once the first load is done (it never rejects: a failure is shown).
   */
  get ready(): Promise<void> {
    return this._ready;
  }

  /**
   * The caller's own scorecard as the server last returned it (null: none yet).
   */
  get scorecard(): IScorecard | null {
    return this._mine;
  }

  /**
   * Whether the caller's scorecard is submitted (and so locked).
   */
  get submitted(): boolean {
    return this._mine?.status === 'submitted';
  }

  /**
   * The other interviewers' submitted scorecards the caller may see.
   */
  get others(): readonly IScorecard[] {
    return this._others;
  }

  /**
   * How many submitted scorecards of others the caller cannot see yet.
   */
  get hidden(): number {
    return this._hidden;
  }

  /**
   * The criteria being rated, with the ratings and comments as typed.
   */
  get criteria(): readonly IScorecardCriterion[] {
    return this._criteria;
  }

  /**
   * The recommendation as chosen (null: none yet).
   */
  get recommendation(): ScorecardRecommendation | null {
    return this._recommendation;
  }

  /**
   * The summary as typed.
   */
  get summary(): string {
    return this._summary;
  }

  /**
   * What submitting still needs: the names of the criteria not rated yet,
   * then "overall recommendation" when none is chosen.
   */
  get missing(): string[] {
    const missing = this._criteria
      .filter(criterion => !isRating(criterion.rating))
      .map(criterion => criterion.name);
    if (this._recommendation === null) {
      missing.push(this._trans.__('overall recommendation'));
    }
    return missing;
  }

  /**
   * Whether every criterion is rated and a recommendation chosen.
   */
  get complete(): boolean {
    return this._criteria.length > 0 && this.missing.length === 0;
  }

  /**
   * Where saving the draft is.
   */
  get saveState(): AutosaveState {
    return this._saver.state;
  }

  /**
   * The last error shown (null: none).
   */
  get error(): string | null {
    return this._error;
  }

  /**
   * Emitted when the caller's scorecard was submitted.
   */
  get submittedChanged(): ISignal<this, IScorecard> {
    return this._submittedChanged;
  }

  /**
   * Load the scorecards from the server. A draft being written is kept as it
   * is (it is newer than the server's copy). Never rejects.
   */
  async load(): Promise<void> {
    this.node.setAttribute('aria-busy', 'true');
    this._refreshButton.disabled = true;
    try {
      const list = await this._client.listScorecards(this.sessionId);
      if (this.isDisposed) {
        return;
      }
      const items = Array.isArray(list.items) ? list.items : [];
      // The caller's own comes first, and the others' come only with it (the
      // API's rule), so no name has to be compared: `GET /me` is not asked.
      const mine = items[0] ?? null;
      this._others = items.filter(
        item => item !== mine && item.status === 'submitted'
      );
      this._hidden = typeof list.hidden === 'number' ? list.hidden : 0;
      this._offered = Array.isArray(list.criteria) ? list.criteria : [];
      this._loaded = true;
      this._setMine(mine, true);
      this._showError(null);
    } catch (error) {
      if (!this.isDisposed) {
        this._showError(error);
      }
    } finally {
      if (!this.isDisposed) {
        this.node.removeAttribute('aria-busy');
        this._refreshButton.disabled = false;
        this._render();
      }
    }
  }

  /**
   * Rate a criterion (1–4).
   */
  setRating(name: string, rating: number): void {
    const criterion = this._criterion(name);
    if (!criterion || !isRating(rating) || criterion.rating === rating) {
      return;
    }
    criterion.rating = rating;
    const input = this._form?.querySelector<HTMLInputElement>(
      `input[data-criterion-index="${this._criteria.indexOf(criterion)}"][value="${rating}"]`
    );
    if (input) {
      input.checked = true;
    }
    this._changed();
  }

  /**
   * Comment on a criterion.
   */
  setComment(name: string, comment: string): void {
    const criterion = this._criterion(name);
    if (!criterion || criterion.comment === comment) {
      return;
    }
    criterion.comment = comment.slice(0, MAX_COMMENT_LENGTH);
    const area = this._form?.querySelector<HTMLTextAreaElement>(
      `textarea[data-criterion-index="${this._criteria.indexOf(criterion)}"]`
    );
    if (area && area.value !== criterion.comment) {
      area.value = criterion.comment;
    }
    this._changed();
  }

  /**
   * Choose the overall recommendation.
   */
  setRecommendation(recommendation: ScorecardRecommendation): void {
    if (
      this.submitted ||
      !isRecommendation(recommendation) ||
      this._recommendation === recommendation
    ) {
      return;
    }
    this._recommendation = recommendation;
    const input = this._form?.querySelector<HTMLInputElement>(
      `input[data-recommendation][value="${recommendation}"]`
    );
    if (input) {
      input.checked = true;
    }
    this._changed();
  }

  /**
   * Write the summary.
   */
  setSummary(summary: string): void {
    if (this.submitted || this._summary === summary) {
      return;
    }
    this._summary = summary.slice(0, MAX_SUMMARY_LENGTH);
    if (this._summaryArea && this._summaryArea.value !== this._summary) {
      this._summaryArea.value = this._summary;
    }
    this._changed();
  }

  /**
   * Save the draft now (rather than after the pause in typing).
   *
   * @throws the save's error.
   */
  flush(): Promise<void> {
    return this._saver.flush();
  }

  /**
   * Submit the scorecard after the user confirms: the draft is saved first,
   * then the server locks it, and the others' scorecards are loaded. Resolves
   * whether it was submitted; a failure is shown in the panel.
   */
  async submit(): Promise<boolean> {
    if (this.submitted || !this.complete || this._busy) {
      return false;
    }
    this._busy = true;
    this._updateForm();
    try {
      const ok = await this._confirm(
        this._trans.__('Submit your scorecard?'),
        this._trans.__(
          "A submitted scorecard is locked: you cannot change it afterwards. You will then see the other interviewers' scorecards."
        ),
        this._trans.__('Submit')
      );
      if (!ok || this.isDisposed) {
        return false;
      }
      // The server checks what it has: the last keystrokes must be there.
      await this._saver.flush();
      const result = await this._client.submitMyScorecard(this.sessionId);
      if (this.isDisposed) {
        return true;
      }
      this._setMine(result, true);
      this._submittedChanged.emit(result);
      this._showError(null);
      await this.load();
      this._focusOwnCard();
      return true;
    } catch (error) {
      if (!this.isDisposed) {
        this._onRequestError(error);
      }
      return false;
    } finally {
      this._busy = false;
      if (!this.isDisposed) {
        this._updateForm();
      }
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    // Closing the panel must not lose the last keystrokes: save them, then stop.
    const saver = this._saver;
    saver.stateChanged.disconnect(this._onSaveState, this);
    if (saver.dirty) {
      void saver
        .flush()
        .catch(() => undefined)
        .finally(() => saver.dispose());
    } else {
      saver.dispose();
    }
    super.dispose();
    Signal.clearData(this);
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    // MainAreaWidget focuses the panel itself: move on to its first control.
    const active = document.activeElement;
    if (active === this.node || !this.node.contains(active)) {
      const first = this._content.querySelector<HTMLElement>(
        'input, textarea, .jp-DevInterview-scorecardCardTitle'
      );
      (first ?? this.node).focus();
    }
  }

  /**
   * Take the server's scorecard as the caller's own; `replace` rebuilds the
   * form from it when it is another scorecard or other criteria. What is
   * typed and not saved yet is newer than the server's copy: it is kept.
   */
  private _setMine(mine: IScorecard | null, replace: boolean): void {
    this._mine = mine;
    if (mine?.status === 'submitted') {
      // Locked: whatever was not saved cannot be any more.
      this._saver.reset();
    }
    const source: readonly (IRubricCriterion & Partial<IScorecardCriterion>)[] =
      mine ? (mine.criteria ?? []) : this._offered;
    const key = mine ? `${mine.id}/${mine.status}` : `new/${namesOf(source)}`;
    if (!replace || key === this._formKey) {
      return;
    }
    this._formKey = key;
    const typed = mine?.status !== 'submitted' && this._saver.dirty;
    if (typed && namesOf(source) === namesOf(this._criteria)) {
      // E.g. our own first save created the scorecard: the same form.
      return;
    }
    const before = typed ? this._criteria : [];
    this._criteria = source.map(criterion => {
      const local = before.find(item => item.name === criterion.name);
      return {
        name: criterion.name,
        description: criterion.description ?? '',
        rating: local
          ? local.rating
          : isRating(criterion.rating)
            ? criterion.rating
            : null,
        comment: local ? local.comment : (criterion.comment ?? '')
      };
    });
    if (!typed) {
      this._recommendation = isRecommendation(mine?.recommendation)
        ? mine!.recommendation
        : null;
      this._summary = mine?.summary ?? '';
    } else {
      // The criteria changed under the draft (400): save it with the new ones.
      this._saver.schedule();
    }
    this._formDirty = true;
  }

  private _criterion(name: string): IScorecardCriterion | null {
    if (this.submitted) {
      return null;
    }
    return this._criteria.find(criterion => criterion.name === name) ?? null;
  }

  private _changed(): void {
    this._saver.schedule();
    this._updateForm();
  }

  private _body(): IScorecardUpdate {
    return {
      ratings: this._criteria.map(criterion => ({
        name: criterion.name,
        rating: criterion.rating,
        comment: criterion.comment
      })),
      recommendation: this._recommendation,
      summary: this._summary
    };
  }

  private async _saveDraft(): Promise<void> {
    const result = await this._client.saveMyScorecard(
      this.sessionId,
      this._body()
    );
    if (!this.isDisposed) {
      this._setMine(result, false);
      if (this._formKey?.startsWith('new/')) {
        this._formKey = `${result.id}/${result.status}`;
      }
      this._updateHeader();
    }
  }

  private _onSaveState(_: Autosave, state: AutosaveState): void {
    if (state === 'error') {
      this._onRequestError(this._saver.error);
    } else if (state === 'saved' && this._error !== null && !this._busy) {
      this._showError(null);
    }
    this._updateHeader();
  }

  /**
   * Show a failed request; a scorecard submitted elsewhere (409) or one whose
   * criteria changed (400) is loaded again, so the panel shows what is true.
   */
  private _onRequestError(error: unknown): void {
    this._showError(error);
    if (
      error instanceof DevInterviewAPIError &&
      (error.status === 409 || error.status === 400)
    ) {
      void this.load().then(() => this._showError(error));
    }
  }

  private _showError(error: unknown): void {
    const message =
      error === null || error === undefined
        ? null
        : error instanceof Error
          ? error.message
          : String(error);
    this._error = message;
    this._errorNode.textContent = message ?? '';
    this._errorNode.hidden = message === null;
  }

  private _focusOwnCard(): void {
    this.node
      .querySelector<HTMLElement>(
        '.jp-DevInterview-scorecardCard[data-own] .jp-DevInterview-scorecardCardTitle'
      )
      ?.focus();
  }

  private _buildDOM(sessionTitle: string): void {
    const trans = this._trans;
    const header = document.createElement('div');
    header.className = 'jp-DevInterview-scorecardHeader';
    const title = document.createElement('h2');
    title.className = 'jp-DevInterview-scorecardTitle';
    title.textContent = trans.__('Scorecard');
    const session = document.createElement('span');
    session.className = 'jp-DevInterview-scorecardSession';
    session.textContent = sessionTitle;
    this._stateNode = document.createElement('span');
    this._stateNode.className = 'jp-DevInterview-scorecardState';
    this._saveNode = document.createElement('span');
    this._saveNode.className = 'jp-DevInterview-saveStatus';
    this._saveNode.setAttribute('role', 'status');
    this._refreshButton = document.createElement('button');
    this._refreshButton.type = 'button';
    this._refreshButton.className =
      'jp-mod-styled jp-mod-reject jp-DevInterview-scorecardRefresh';
    this._refreshButton.textContent = trans.__('Refresh');
    this._refreshButton.title = trans.__(
      "Load the scorecards again (the other interviewers' ones once you submitted yours)"
    );
    this._refreshButton.addEventListener('click', () => void this.load());
    header.append(
      title,
      session,
      this._stateNode,
      this._saveNode,
      this._refreshButton
    );

    this._notice = document.createElement('p');
    this._notice.className = 'jp-DevInterview-scorecardNotice';
    this._notice.setAttribute('role', 'note');

    this._errorNode = document.createElement('div');
    this._errorNode.className = 'jp-DevInterview-error';
    this._errorNode.setAttribute('role', 'alert');
    this._errorNode.hidden = true;

    this._content = document.createElement('div');
    this._content.className = 'jp-DevInterview-scorecardContent';

    this._othersNode = document.createElement('section');
    this._othersNode.className = 'jp-DevInterview-scorecardOthers';
    this._othersNode.hidden = true;

    this.node.append(
      header,
      this._notice,
      this._errorNode,
      this._content,
      this._othersNode
    );
  }

  private _render(): void {
    const trans = this._trans;
    if (!this._loaded) {
      this._notice.hidden = true;
      return;
    }
    this._notice.hidden = false;
    this._notice.replaceChildren();
    if (this.submitted) {
      this._notice.textContent = trans.__(
        "Your scorecard is submitted and locked. Below are the other interviewers' submitted scorecards."
      );
    } else {
      const lead = document.createElement('strong');
      lead.textContent = trans.__(
        "You will see the other interviewers' scorecards after you submit yours."
      );
      this._notice.append(lead);
      if (this._hidden > 0) {
        this._notice.append(
          ' ',
          trans._n(
            '%1 other interviewer has submitted a scorecard.',
            '%1 other interviewers have submitted a scorecard.',
            this._hidden
          )
        );
      }
    }

    if (this.submitted) {
      this._form = null;
      this._summaryArea = null;
      this._content.replaceChildren(
        renderScorecardCard(this._mine!, trans, { own: true })
      );
      this._formDirty = false;
    } else if (this._formDirty || !this._form) {
      this._form = this._buildForm();
      this._content.replaceChildren(this._form);
      this._formDirty = false;
    }
    this._renderOthers();
    this._updateHeader();
    this._updateForm();
  }

  private _renderOthers(): void {
    const trans = this._trans;
    const node = this._othersNode;
    node.hidden = !this.submitted;
    node.replaceChildren();
    if (!this.submitted) {
      return;
    }
    const heading = document.createElement('h3');
    heading.className = 'jp-DevInterview-scorecardOthersTitle';
    heading.id = uniqueId('jp-DevInterview-scorecardOthers');
    heading.textContent = trans.__("Other interviewers' scorecards");
    node.setAttribute('aria-labelledby', heading.id);
    node.append(heading);
    if (this._others.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'jp-DevInterview-scorecardEmpty';
      empty.textContent = trans.__(
        'No other interviewer has submitted a scorecard yet.'
      );
      node.append(empty);
      return;
    }
    for (const other of this._others) {
      node.append(renderScorecardCard(other, trans, { own: false }));
    }
  }

  private _buildForm(): HTMLFormElement {
    const trans = this._trans;
    const form = document.createElement('form');
    form.className = 'jp-DevInterview-scorecardForm';
    form.noValidate = true;
    form.setAttribute('aria-label', trans.__('Your scorecard'));
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this.submit();
    });
    const group = uniqueId('jp-DevInterview-scorecard');

    if (this._criteria.length === 0) {
      const empty = document.createElement('p');
      empty.className = 'jp-DevInterview-scorecardEmpty';
      empty.textContent = trans.__('This scorecard has no criteria.');
      form.append(empty);
    }
    this._criteria.forEach((criterion, index) => {
      const section = document.createElement('section');
      section.className = 'jp-DevInterview-scorecardCriterion';
      section.dataset.criterion = criterion.name;
      const title = document.createElement('h3');
      title.className = 'jp-DevInterview-scorecardCriterionName';
      title.id = `${group}-name-${index}`;
      title.textContent = criterion.name;
      section.setAttribute('aria-labelledby', title.id);
      section.append(title);
      const description = document.createElement('p');
      description.className = 'jp-DevInterview-scorecardCriterionDescription';
      description.id = `${group}-description-${index}`;
      description.textContent = criterion.description;
      if (criterion.description) {
        section.append(description);
      }

      const ratings = radioGroup(
        trans.__('Rating of %1', criterion.name),
        'jp-DevInterview-ratingGroup'
      );
      if (criterion.description) {
        ratings.setAttribute('aria-describedby', description.id);
      }
      for (const rating of RATINGS) {
        const { label, input } = radio(
          `${group}-rating-${index}`,
          String(rating),
          formatRating(rating, trans)
        );
        input.dataset.criterionIndex = String(index);
        input.checked = criterion.rating === rating;
        input.addEventListener('change', () => {
          if (input.checked) {
            this.setRating(criterion.name, rating);
          }
        });
        ratings.append(label);
      }
      section.append(ratings);

      const comment = textField(
        trans.__('Comment'),
        trans.__('Comment on %1', criterion.name),
        MAX_COMMENT_LENGTH
      );
      comment.area.dataset.criterionIndex = String(index);
      comment.area.value = criterion.comment;
      comment.area.rows = 2;
      comment.area.addEventListener('input', () =>
        this.setComment(criterion.name, comment.area.value)
      );
      section.append(comment.label);
      form.append(section);
    });

    const overall = document.createElement('section');
    overall.className = 'jp-DevInterview-scorecardOverall';
    const overallTitle = document.createElement('h3');
    overallTitle.className = 'jp-DevInterview-scorecardCriterionName';
    overallTitle.id = `${group}-recommendation`;
    overallTitle.textContent = trans.__('Overall recommendation');
    overall.append(overallTitle);
    const choices = radioGroup(null, 'jp-DevInterview-recommendationGroup');
    choices.setAttribute('aria-labelledby', overallTitle.id);
    for (const recommendation of RECOMMENDATIONS) {
      const { label, input } = radio(
        `${group}-recommendation`,
        recommendation,
        formatRecommendation(recommendation, trans)
      );
      input.dataset.recommendation = recommendation;
      label.dataset.recommendation = recommendation;
      input.checked = this._recommendation === recommendation;
      input.addEventListener('change', () => {
        if (input.checked) {
          this.setRecommendation(recommendation);
        }
      });
      choices.append(label);
    }
    overall.append(choices);
    const summary = textField(
      trans.__('Summary'),
      trans.__('Summary of the interview'),
      MAX_SUMMARY_LENGTH
    );
    summary.area.classList.add('jp-DevInterview-scorecardSummaryInput');
    summary.area.rows = 4;
    summary.area.value = this._summary;
    summary.area.addEventListener('input', () =>
      this.setSummary(summary.area.value)
    );
    this._summaryArea = summary.area;
    overall.append(summary.label);
    form.append(overall);

    const footer = document.createElement('div');
    footer.className = 'jp-DevInterview-scorecardFooter';
    const hint = document.createElement('p');
    hint.className = 'jp-DevInterview-scorecardHint';
    hint.id = `${group}-hint`;
    const submit = document.createElement('button');
    submit.type = 'submit';
    submit.className =
      'jp-mod-styled jp-mod-accept jp-DevInterview-submitScorecard';
    submit.textContent = trans.__('Submit');
    submit.setAttribute('aria-describedby', hint.id);
    footer.append(hint, submit);
    form.append(footer);
    return form;
  }

  /**
   * The Submit button and its hint, after every change.
   */
  private _updateForm(): void {
    const form = this._form;
    if (!form) {
      return;
    }
    const trans = this._trans;
    const missing = this.missing;
    const submit = form.querySelector<HTMLButtonElement>(
      '.jp-DevInterview-submitScorecard'
    )!;
    submit.disabled = !this.complete || this._busy;
    submit.title = this.complete
      ? trans.__('Submit your scorecard: it is locked afterwards')
      : trans.__('Rate every criterion and choose a recommendation first');
    form.querySelector('.jp-DevInterview-scorecardHint')!.textContent =
      missing.length === 0
        ? trans.__('Once submitted, your scorecard can no longer be changed.')
        : trans.__(
            'Still missing before you can submit: %1',
            missing.join(', ')
          );
  }

  /**
   * The status of the scorecard and of saving it.
   */
  private _updateHeader(): void {
    const trans = this._trans;
    const status = this._mine?.status ?? (this._loaded ? 'new' : '');
    this.node.dataset.status = status;
    this._stateNode.dataset.status = status;
    this._stateNode.textContent =
      status === 'submitted'
        ? trans.__('Submitted')
        : status === 'draft'
          ? trans.__('Draft')
          : status === 'new'
            ? trans.__('Not started')
            : '';
    const state = this.submitted ? 'idle' : this._saver.state;
    this._saveNode.dataset.state = state;
    switch (state) {
      case 'pending':
      case 'saving':
        this._saveNode.textContent = trans.__('Saving…');
        break;
      case 'saved':
        this._saveNode.textContent = trans.__('Saved');
        break;
      case 'error':
        this._saveNode.textContent = trans.__('Not saved');
        break;
      default:
        this._saveNode.textContent = '';
    }
  }

  private _client: IDevInterviewClient;
  private _trans: TranslationBundle;
  private _confirm: ScorecardPanel.ConfirmFunction;
  private _saver: Autosave;
  private _ready: Promise<void>;
  private _loaded = false;
  private _mine: IScorecard | null = null;
  private _others: IScorecard[] = [];
  private _hidden = 0;
  private _offered: IRubricCriterion[] = [];
  private _criteria: IScorecardCriterion[] = [];
  private _recommendation: ScorecardRecommendation | null = null;
  private _summary = '';
  private _formKey: string | null = null;
  private _formDirty = false;
  private _busy = false;
  private _error: string | null = null;
  private _submittedChanged = new Signal<this, IScorecard>(this);
  private _form: HTMLFormElement | null = null;
  private _summaryArea: HTMLTextAreaElement | null = null;
  private _stateNode!: HTMLSpanElement;
  private _saveNode!: HTMLSpanElement;
  private _refreshButton!: HTMLButtonElement;
  private _notice!: HTMLParagraphElement;
  private _errorNode!: HTMLDivElement;
  private _content!: HTMLDivElement;
  private _othersNode!: HTMLElement;
}

/**
 * A namespace for `ScorecardPanel` statics.
 */
export namespace ScorecardPanel {
  /**
   * Ask the user to confirm; resolves whether they did.
   */
  export type ConfirmFunction = (
    title: string,
    body: string,
    accept: string
  ) => Promise<boolean>;

  /**
   * The options of a scorecard panel.
   */
  export interface IOptions {
    /**
     * The session the scorecard is of.
     */
    sessionId: string;
    /**
     * The session's title, shown in the header.
     */
    sessionTitle?: string;
    /**
     * The REST client.
     */
    client: IDevInterviewClient;
    trans: TranslationBundle;
    /**
     * Ask before submitting (default: a JupyterLab dialog).
     */
    confirm?: ConfirmFunction;
    /**
     * The pause in typing before the draft is saved, in ms (default 800).
     */
    saveDelayMs?: number;
  }
}

/**
 * The names of criteria, as one string to compare.
 */
function namesOf(criteria: readonly { name: string }[]): string {
  return JSON.stringify(criteria.map(criterion => criterion.name));
}

/**
 * Whether a value is a rating (1–4).
 */
function isRating(value: unknown): value is number {
  return typeof value === 'number' && RATINGS.includes(value);
}

/**
 * The default confirmation: a dialog with Cancel and an accept button.
 */
function confirmWithDialog(
  trans: TranslationBundle
): ScorecardPanel.ConfirmFunction {
  return async (title, body, accept) => {
    const result = await showDialog({
      title,
      body,
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.okButton({ label: accept })
      ]
    });
    return result.button.accept;
  };
}

/**
 * A radio group (arrow keys move between its native radios).
 */
function radioGroup(label: string | null, className: string): HTMLElement {
  const group = document.createElement('div');
  group.className = `jp-DevInterview-radioGroup ${className}`;
  group.setAttribute('role', 'radiogroup');
  group.setAttribute('aria-required', 'true');
  if (label) {
    group.setAttribute('aria-label', label);
  }
  return group;
}

/**
 * A native radio inside its label.
 */
function radio(
  name: string,
  value: string,
  text: string
): { label: HTMLLabelElement; input: HTMLInputElement } {
  const label = document.createElement('label');
  label.className = 'jp-DevInterview-radioOption';
  const input = document.createElement('input');
  input.type = 'radio';
  input.name = name;
  input.value = value;
  const span = document.createElement('span');
  span.textContent = text;
  label.append(input, span);
  return { label, input };
}

/**
 * A text area under a visible label, with a longer accessible name.
 */
function textField(
  visible: string,
  accessible: string,
  maxLength: number
): { label: HTMLLabelElement; area: HTMLTextAreaElement } {
  const label = document.createElement('label');
  label.className = 'jp-DevInterview-field';
  const text = document.createElement('span');
  text.textContent = visible;
  const area = document.createElement('textarea');
  area.className = 'jp-mod-styled jp-DevInterview-scorecardText';
  area.maxLength = maxLength;
  area.setAttribute('aria-label', accessible);
  label.append(text, area);
  return { label, area };
}
