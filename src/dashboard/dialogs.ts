import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { ISessionCreate, Language } from '../api/types';
import { LANGUAGES } from '../model/language';
import { formatLanguage } from './format';

/**
 * The form of the create-session dialog.
 */
export class CreateSessionForm
  extends Widget
  implements Dialog.IBodyWidget<ISessionCreate>
{
  constructor(trans: TranslationBundle, defaultLanguage: Language) {
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
    this._minutes.value = '60';
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
    return body;
  }

  protected onAfterAttach(): void {
    this._title.focus();
  }

  private _title: HTMLInputElement;
  private _candidate: HTMLInputElement;
  private _language: HTMLSelectElement;
  private _minutes: HTMLInputElement;
}

/**
 * Ask for a new session; `null` when cancelled or without a title.
 */
export async function askNewSession(
  trans: TranslationBundle,
  defaultLanguage: Language
): Promise<ISessionCreate | null> {
  const result = await showDialog({
    title: trans.__('New interview session'),
    body: new CreateSessionForm(trans, defaultLanguage),
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
