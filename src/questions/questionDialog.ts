import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IQuestionList, ISessionQuestionSet } from '../api/types';
import { QuestionPicker } from './picker';

/**
 * The body of the "Change question" dialog: the searchable picker and
 * whether the code is replaced by the question's starter code.
 */
export class ChooseQuestionForm
  extends Widget
  implements Dialog.IBodyWidget<ISessionQuestionSet | null>
{
  /**
   * @param questions - The question list being loaded.
   * @param current - The id of the question the session has (preselected).
   */
  constructor(
    trans: TranslationBundle,
    questions: Promise<IQuestionList>,
    current: string | null = null
  ) {
    super();
    this.addClass('jp-DevInterview-chooseQuestionForm');
    this.picker = new QuestionPicker({ trans, allowNone: false });
    this.node.append(this.picker.node);

    const replace = document.createElement('label');
    replace.className = 'jp-DevInterview-checkField';
    this.replaceStarter = document.createElement('input');
    this.replaceStarter.type = 'checkbox';
    this.replaceStarter.name = 'replace_starter';
    this.replaceStarter.className = 'jp-DevInterview-replaceStarter';
    const text = document.createElement('span');
    text.textContent = trans.__('Replace the code with the starter code');
    replace.append(this.replaceStarter, text);
    const hint = document.createElement('div');
    hint.className = 'jp-DevInterview-fieldHint';
    hint.textContent = trans.__(
      'Otherwise the starter code is used only if the editor is empty.'
    );
    this.node.append(replace, hint);

    questions.then(
      list => {
        if (!this.isDisposed) {
          this.picker.setQuestions(list);
          this.picker.select(current);
        }
      },
      error => {
        if (!this.isDisposed) {
          this.picker.showError(
            trans.__(
              'Questions could not be loaded (%1).',
              error instanceof Error ? error.message : String(error)
            )
          );
        }
      }
    );
  }

  /**
   * The question picker.
   */
  readonly picker: QuestionPicker;

  /**
   * The "Replace the code with the starter code" box.
   */
  readonly replaceStarter: HTMLInputElement;

  /**
   * The request body, or null when no question is chosen.
   */
  getValue(): ISessionQuestionSet | null {
    const question = this.picker.value;
    if (!question) {
      return null;
    }
    return {
      question_id: question.id,
      starter: this.replaceStarter.checked ? 'replace' : 'if_empty'
    };
  }

  protected onAfterAttach(): void {
    this.picker.searchNode.focus();
  }
}

/**
 * Ask which question the session gets; null when cancelled or none chosen.
 */
export async function askSessionQuestion(
  trans: TranslationBundle,
  questions: Promise<IQuestionList>,
  current: string | null = null
): Promise<ISessionQuestionSet | null> {
  const result = await showDialog({
    title: current
      ? trans.__('Change the question')
      : trans.__('Choose a question'),
    body: new ChooseQuestionForm(trans, questions, current),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Use this question') })
    ],
    focusNodeSelector: '.jp-DevInterview-questionSearch'
  });
  if (!result.button.accept) {
    return null;
  }
  return result.value ?? null;
}
