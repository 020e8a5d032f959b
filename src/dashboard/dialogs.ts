import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type {
  IQuestionList,
  IQuestionSummary,
  ISessionCreate,
  Language
} from '../api/types';
import { LANGUAGES } from '../model/language';
import { QuestionPicker } from '../questions/picker';
import { formatLanguage } from './format';

/**
 * The planned minutes a new session starts with.
 */
const DEFAULT_MINUTES = '60';

/**
 * The form of the create-session dialog.
 */
export class CreateSessionForm
  extends Widget
  implements Dialog.IBodyWidget<ISessionCreate>
{
  /**
   * @param questions - The question list being loaded (null: no questions
   * offered); the form works while it loads, and without it when it fails.
   */
  constructor(
    trans: TranslationBundle,
    defaultLanguage: Language,
    questions: Promise<IQuestionList> | null = null
  ) {
    super({ node: document.createElement('form') });
    this.addClass('jp-DevInterview-createForm');
    const field = (label: string, input: HTMLElement) => {
      const wrapper = document.createElement('label');
      wrapper.className = 'jp-DevInterview-field';
      const text = document.createElement('span');
      text.textContent = label;
      wrapper.append(text, input);
      this.node.appendChild(wrapper);
    };

    this._title = document.createElement('input');
    this._title.className = 'jp-mod-styled';
    this._title.name = 'title';
    this._title.required = true;
    this._title.maxLength = 200;
    this._title.placeholder = trans.__('e.g. Backend engineer');
    field(trans.__('Title'), this._title);

    this._candidate = document.createElement('input');
    this._candidate.className = 'jp-mod-styled';
    this._candidate.name = 'candidate_name';
    this._candidate.maxLength = 200;
    field(trans.__('Candidate'), this._candidate);

    if (questions) {
      // Not a <label>: the picker holds several controls.
      const group = document.createElement('div');
      group.className = 'jp-DevInterview-field jp-DevInterview-questionField';
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', trans.__('Question'));
      const text = document.createElement('span');
      text.textContent = trans.__('Question');
      this.picker = new QuestionPicker({ trans });
      group.append(text, this.picker.node);
      this.node.appendChild(group);
      this.picker.valueChanged.connect((_, question) =>
        this._onQuestion(question)
      );
      questions.then(
        list => {
          if (!this.isDisposed) {
            this.picker?.setQuestions(list);
          }
        },
        error => {
          if (!this.isDisposed) {
            this.picker?.showError(
              trans.__(
                'Questions could not be loaded (%1). You can create the session without one.',
                error instanceof Error ? error.message : String(error)
              )
            );
          }
        }
      );
    }

    this._language = document.createElement('select');
    this._language.className = 'jp-mod-styled';
    this._language.name = 'language';
    for (const language of LANGUAGES) {
      const option = document.createElement('option');
      option.value = language;
      option.textContent = formatLanguage(language);
      this._language.appendChild(option);
    }
    this._language.value = defaultLanguage;
    field(trans.__('Language'), this._language);

    this._minutes = document.createElement('input');
    this._minutes.className = 'jp-mod-styled';
    this._minutes.name = 'planned_minutes';
    this._minutes.type = 'number';
    this._minutes.min = '1';
    this._minutes.max = '600';
    this._minutes.value = DEFAULT_MINUTES;
    this._minutes.addEventListener('input', () => {
      this._minutesEdited = true;
    });
    field(trans.__('Planned minutes'), this._minutes);

    this.node.addEventListener('submit', event => event.preventDefault());
  }

  getValue(): ISessionCreate {
    const body: ISessionCreate = {
      title: this._title.value.trim(),
      language: this._language.value as Language
    };
    const candidate = this._candidate.value.trim();
    if (candidate) {
      body.candidate_name = candidate;
    }
    const minutes = Number.parseInt(this._minutes.value, 10);
    if (Number.isFinite(minutes) && minutes > 0) {
      body.planned_minutes = minutes;
    }
    const question = this.picker?.value;
    if (question) {
      body.question_id = question.id;
    }
    return body;
  }

  /**
   * The question picker (null when no questions are offered).
   */
  readonly picker: QuestionPicker | null = null;

  /**
   * Fit the language and the planned minutes to the chosen question: a
   * language it supports, and its duration unless the interviewer typed one.
   */
  private _onQuestion(question: IQuestionSummary | null): void {
    const supported = question?.languages ?? LANGUAGES;
    for (const option of Array.from(this._language.options)) {
      option.disabled = !supported.includes(option.value as Language);
    }
    if (question && !supported.includes(this._language.value as Language)) {
      this._language.value = supported[0];
    }
    if (!this._minutesEdited || this._minutes.value === '') {
      this._minutes.value =
        question?.duration_minutes !== null &&
        question?.duration_minutes !== undefined
          ? String(question.duration_minutes)
          : DEFAULT_MINUTES;
    }
  }

  protected onAfterAttach(): void {
    this._title.focus();
  }

  private _title: HTMLInputElement;
  private _candidate: HTMLInputElement;
  private _language: HTMLSelectElement;
  private _minutes: HTMLInputElement;
  private _minutesEdited = false;
}

/**
 * Ask for a new session; `null` when cancelled or without a title.
 */
export async function askNewSession(
  trans: TranslationBundle,
  defaultLanguage: Language,
  questions: Promise<IQuestionList> | null = null
): Promise<ISessionCreate | null> {
  const result = await showDialog({
    title: trans.__('New interview session'),
    body: new CreateSessionForm(trans, defaultLanguage, questions),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Create') })
    ],
    focusNodeSelector: 'input[name="title"]'
  });
  if (!result.button.accept || !result.value || !result.value.title) {
    return null;
  }
  return result.value;
}

/**
 * Ask a yes/no question with a warning button.
 */
export async function confirmAction(
  title: string,
  body: string,
  accept: string,
  trans: TranslationBundle
): Promise<boolean> {
  const result = await showDialog({
    title,
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: accept })
    ]
  });
  return result.button.accept;
}
