import type { TranslationBundle } from '@jupyterlab/translation';
import type { ISignal } from '@lumino/signaling';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type {
  IQuestionList,
  IQuestionProblem,
  IQuestionSummary
} from '../api/types';
import { formatDifficulty, formatLanguages, formatMinutes } from './format';

/**
 * The words a question is found by: title, languages (value and display
 * name), difficulty, tags and file path.
 */
function searchText(question: IQuestionSummary): string {
  return [
    question.title,
    ...question.languages,
    formatLanguages(question.languages),
    question.difficulty,
    ...question.tags,
    question.source.path
  ]
    .join(' ')
    .toLowerCase();
}

/**
 * Whether a question matches a search: every word of the query appears in
 * its title, languages, difficulty, tags or path (so "python easy" narrows).
 */
export function questionMatches(
  question: IQuestionSummary,
  query: string
): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return true;
  }
  const text = searchText(question);
  return words.every(word => text.includes(word));
}

/**
 * The questions matching a search, in the server's order.
 */
export function filterQuestions(
  questions: readonly IQuestionSummary[],
  query: string
): IQuestionSummary[] {
  return questions.filter(question => questionMatches(question, query));
}

/**
 * Distinct element ids for several pickers on one page.
 */
let nextPickerId = 0;

/**
 * A searchable list of questions: a search box (an ARIA combobox) above a
 * listbox of the matching questions, and the question files that could not
 * be read, collapsed. Arrow keys, Home and End move the selection from the
 * search box or the list; the selection follows them, so Enter in a dialog
 * accepts what is highlighted.
 */
export class QuestionPicker extends Widget {
  constructor(options: QuestionPicker.IOptions) {
    super();
    this._trans = options.trans;
    this._allowNone = options.allowNone ?? true;
    this.addClass('jp-DevInterview-questionPicker');
    const id = `jp-DevInterview-questionPicker-${++nextPickerId}`;
    this._idPrefix = id;

    this.searchNode = document.createElement('input');
    this.searchNode.type = 'search';
    this.searchNode.className = 'jp-DevInterview-questionSearch jp-mod-styled';
    this.searchNode.placeholder = this._trans.__(
      'Search by title, language, difficulty or tag'
    );
    this.searchNode.setAttribute(
      'aria-label',
      this._trans.__('Search questions')
    );
    this.searchNode.setAttribute('role', 'combobox');
    this.searchNode.setAttribute('aria-autocomplete', 'list');
    this.searchNode.setAttribute('aria-expanded', 'true');
    this.searchNode.setAttribute('aria-controls', `${id}-list`);
    this.searchNode.autocomplete = 'off';
    this.searchNode.spellcheck = false;
    this.searchNode.addEventListener('input', () => this._render());
    this.searchNode.addEventListener('keydown', this._onKeyDown);

    this.listNode = document.createElement('div');
    this.listNode.id = `${id}-list`;
    this.listNode.className = 'jp-DevInterview-questionList';
    this.listNode.setAttribute('role', 'listbox');
    this.listNode.setAttribute('aria-label', this._trans.__('Questions'));
    this.listNode.tabIndex = 0;
    this.listNode.addEventListener('keydown', this._onKeyDown);
    this.listNode.addEventListener('click', this._onClick);

    this._status = document.createElement('div');
    this._status.className = 'jp-DevInterview-questionStatus';
    this._status.setAttribute('role', 'status');

    this._problems = document.createElement('details');
    this._problems.className = 'jp-DevInterview-questionProblems';
    this._problems.hidden = true;

    this.node.append(
      this.searchNode,
      this.listNode,
      this._status,
      this._problems
    );
    this.setQuestions(null);
  }

  /**
   * The search box.
   */
  readonly searchNode: HTMLInputElement;

  /**
   * The listbox of questions.
   */
  readonly listNode: HTMLDivElement;

  /**
   * The chosen question (null: none).
   */
  get value(): IQuestionSummary | null {
    return this._value;
  }

  /**
   * Emitted when the chosen question changes.
   */
  get valueChanged(): ISignal<this, IQuestionSummary | null> {
    return this._valueChanged;
  }

  /**
   * The search text.
   */
  get query(): string {
    return this.searchNode.value;
  }
  set query(value: string) {
    this.searchNode.value = value;
    this._render();
  }

  /**
   * The questions currently listed (after the search).
   */
  get visible(): readonly IQuestionSummary[] {
    return this._visible;
  }

  /**
   * Show the server's list (null: still loading).
   */
  setQuestions(list: IQuestionList | null): void {
    this._loading = list === null;
    this._error = null;
    this._questions = list?.items ?? [];
    if (this._value && !this._questions.some(q => q.id === this._value!.id)) {
      this._setValue(null);
    }
    this._renderProblems(list?.problems ?? []);
    this._render();
  }

  /**
   * Say the list could not be loaded; the rest of the form still works.
   */
  showError(message: string): void {
    this._loading = false;
    this._error = message;
    this._questions = [];
    this._setValue(null);
    this._render();
  }

  /**
   * Choose a question by id (null or unknown: none).
   */
  select(id: string | null): void {
    this._setValue(this._questions.find(q => q.id === id) ?? null);
    this._render();
  }

  /**
   * Move the choice among the listed entries ("No question" first).
   */
  move(to: 'next' | 'previous' | 'first' | 'last'): void {
    const entries: (IQuestionSummary | null)[] = [
      ...(this._allowNone ? [null] : []),
      ...this._visible
    ];
    if (entries.length === 0) {
      return;
    }
    const current = entries.indexOf(this._value);
    let index: number;
    switch (to) {
      case 'first':
        index = 0;
        break;
      case 'last':
        index = entries.length - 1;
        break;
      case 'next':
        index = current < 0 ? 0 : Math.min(current + 1, entries.length - 1);
        break;
      case 'previous':
        index = current < 0 ? 0 : Math.max(current - 1, 0);
        break;
    }
    this._setValue(entries[index]);
    this._render();
    this._selectedNode()?.scrollIntoView?.({ block: 'nearest' });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    Signal.clearData(this);
    super.dispose();
  }

  private _setValue(value: IQuestionSummary | null): void {
    if (value !== this._value) {
      this._value = value;
      this._valueChanged.emit(value);
    }
  }

  private _selectedNode(): HTMLElement | null {
    return this.listNode.querySelector<HTMLElement>('[aria-selected="true"]');
  }

  private _render(): void {
    this._visible = filterQuestions(this._questions, this.searchNode.value);
    const options: HTMLElement[] = [];
    if (this._allowNone) {
      options.push(this._renderNone());
    }
    for (const question of this._visible) {
      options.push(this._renderOption(question));
    }
    this.listNode.replaceChildren(...options);
    const selected = this._selectedNode();
    for (const node of [this.searchNode, this.listNode]) {
      if (selected) {
        node.setAttribute('aria-activedescendant', selected.id);
      } else {
        node.removeAttribute('aria-activedescendant');
      }
    }
    this._status.textContent = this._statusText();
    this._status.classList.toggle('jp-mod-error', this._error !== null);
  }

  private _statusText(): string {
    if (this._error !== null) {
      return this._error;
    }
    if (this._loading) {
      return this._trans.__('Loading questions…');
    }
    if (this._questions.length === 0) {
      return this._trans.__('No questions are available.');
    }
    if (this._visible.length === 0) {
      return this._trans.__('No question matches "%1".', this.searchNode.value);
    }
    return this._trans._n('%1 question', '%1 questions', this._visible.length);
  }

  private _renderNone(): HTMLElement {
    const option = this._option('', this._value === null);
    option.classList.add('jp-mod-none');
    const title = document.createElement('span');
    title.className = 'jp-DevInterview-questionTitle';
    title.textContent = this._trans.__('No question');
    const details = document.createElement('span');
    details.className = 'jp-DevInterview-questionDetails';
    details.textContent = this._trans.__('Start with an empty editor');
    option.append(title, details);
    return option;
  }

  private _renderOption(question: IQuestionSummary): HTMLElement {
    const option = this._option(question.id, this._value?.id === question.id);
    option.dataset.difficulty = question.difficulty;
    const title = document.createElement('span');
    title.className = 'jp-DevInterview-questionTitle';
    title.textContent = question.title;
    const details = document.createElement('span');
    details.className = 'jp-DevInterview-questionDetails';
    const parts = [
      formatLanguages(question.languages),
      formatDifficulty(question.difficulty, this._trans),
      formatMinutes(question.duration_minutes, this._trans),
      this._trans._n('%1 test', '%1 tests', question.tests),
      question.parts > 0
        ? this._trans._n('%1 follow-up', '%1 follow-ups', question.parts)
        : ''
    ].filter(Boolean);
    details.textContent = parts.join(' · ');
    option.append(title, details);
    if (question.tags.length > 0) {
      const tags = document.createElement('span');
      tags.className = 'jp-DevInterview-questionTags';
      tags.textContent = question.tags.join(', ');
      option.append(tags);
    }
    return option;
  }

  private _option(id: string, selected: boolean): HTMLElement {
    const option = document.createElement('div');
    option.className = 'jp-DevInterview-questionOption';
    option.setAttribute('role', 'option');
    option.setAttribute('aria-selected', selected ? 'true' : 'false');
    option.dataset.questionId = id;
    // Element ids allow only some characters; question ids have others.
    option.id = `${this._idPrefix}-option-${this._optionIds.get(id) ?? this._newOptionId(id)}`;
    return option;
  }

  private _newOptionId(id: string): number {
    const number = this._optionIds.size;
    this._optionIds.set(id, number);
    return number;
  }

  private _renderProblems(problems: readonly IQuestionProblem[]): void {
    this._problems.hidden = problems.length === 0;
    const summary = document.createElement('summary');
    summary.textContent = this._trans._n(
      '%1 question file has problems',
      '%1 question files have problems',
      problems.length
    );
    const list = document.createElement('ul');
    for (const problem of problems) {
      const item = document.createElement('li');
      item.className = 'jp-DevInterview-questionProblem';
      const file = document.createElement('code');
      file.textContent = `${problem.folder}/${problem.path}`;
      item.append(file, document.createTextNode(`: ${problem.message}`));
      list.append(item);
    }
    this._problems.replaceChildren(summary, list);
  }

  private _onKeyDown = (event: KeyboardEvent): void => {
    const moves: Record<string, 'next' | 'previous' | 'first' | 'last'> = {
      ArrowDown: 'next',
      ArrowUp: 'previous'
    };
    // Home and End move the caret in the search box, so only the list takes them.
    if (event.currentTarget === this.listNode) {
      moves.Home = 'first';
      moves.End = 'last';
    }
    const to = moves[event.key];
    if (to && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      this.move(to);
    }
  };

  private _onClick = (event: MouseEvent): void => {
    const option = (event.target as Element | null)?.closest<HTMLElement>(
      '.jp-DevInterview-questionOption'
    );
    if (!option || !this.listNode.contains(option)) {
      return;
    }
    this.select(option.dataset.questionId || null);
  };

  private _trans: TranslationBundle;
  private _allowNone: boolean;
  private _idPrefix: string;
  private _optionIds = new Map<string, number>();
  private _questions: IQuestionSummary[] = [];
  private _visible: IQuestionSummary[] = [];
  private _value: IQuestionSummary | null = null;
  private _loading = true;
  private _error: string | null = null;
  private _status: HTMLDivElement;
  private _problems: HTMLDetailsElement;
  private _valueChanged = new Signal<this, IQuestionSummary | null>(this);
}

/**
 * A namespace for `QuestionPicker` statics.
 */
export namespace QuestionPicker {
  /**
   * The options of a question picker.
   */
  export interface IOptions {
    trans: TranslationBundle;
    /**
     * Whether "No question" is a choice (default true).
     */
    allowNone?: boolean;
  }
}
