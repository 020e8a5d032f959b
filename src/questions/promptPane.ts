import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';
import type * as Y from 'yjs';

import { formatDifficulty } from './format';
import { renderPromptMarkdown } from './markdown';
import type { IRoomQuestion } from './model';
import { QUESTION_KEY, readQuestion } from './model';

/**
 * What the interviewer's controls of the prompt pane do (candidates get none).
 */
export interface IPromptControls {
  /**
   * How many follow-up parts the session's question has in all (the room
   * holds only the revealed ones); null when it has no question.
   */
  partCount(): Promise<number | null>;
  /**
   * Reveal the next follow-up part to everyone.
   */
  revealNextPart(): Promise<void>;
  /**
   * Choose (or switch) the session's question.
   */
  chooseQuestion(): Promise<void>;
}

/**
 * The prompt pane: the room's question (title, difficulty, prompt and the
 * follow-up parts revealed so far) rendered by JupyterLab's sanitizing
 * Markdown renderer, with nothing loaded from another origin. Interviewers
 * also get "Reveal part N" and "Change question…".
 */
export class PromptPane extends Panel {
  constructor(options: PromptPane.IOptions) {
    super();
    this._trans = options.trans;
    this._rendermime = options.rendermime;
    this._controls = options.controls ?? null;
    this._map = options.doc.getMap<unknown>(QUESTION_KEY);
    this.addClass('jp-DevInterview-slot');
    this.addClass('jp-DevInterview-promptPane');
    this.node.dataset.slot = 'prompt';
    this.node.setAttribute('role', 'region');
    this.node.setAttribute('aria-label', this._trans.__('Question'));

    const bar = new Widget();
    bar.addClass('jp-DevInterview-slotBar');
    const title = document.createElement('div');
    title.className = 'jp-DevInterview-slotTitle';
    title.textContent = this._trans.__('Question');
    this._info = document.createElement('span');
    this._info.className = 'jp-DevInterview-promptInfo';
    this._info.setAttribute('role', 'status');
    bar.node.append(title, this._info);
    if (this._controls) {
      this._revealButton = button(
        'jp-DevInterview-revealPart',
        this._trans.__('Reveal next part')
      );
      this._revealButton.addEventListener('click', () => void this.reveal());
      this._changeButton = button(
        'jp-DevInterview-changeQuestion',
        this._trans.__('Change question…'),
        this._trans.__('Choose another question for this interview')
      );
      this._changeButton.addEventListener(
        'click',
        () => void this.chooseQuestion()
      );
      bar.node.append(this._revealButton, this._changeButton);
    }

    const error = new Widget();
    error.addClass('jp-DevInterview-promptError');
    error.node.setAttribute('role', 'alert');
    error.node.hidden = true;
    this._error = error.node;

    this._body = new Panel();
    this._body.addClass('jp-DevInterview-prompt');
    this._body.node.tabIndex = 0; // scrollable by keyboard

    this.addWidget(bar);
    this.addWidget(error);
    this.addWidget(this._body);
    this._map.observeDeep(this._onChange);
    this._onChange();
  }

  /**
   * The room's question as last rendered (null: none).
   */
  get question(): IRoomQuestion | null {
    return this._question;
  }

  /**
   * Resolves when the latest render is complete (tests).
   */
  get rendered(): Promise<void> {
    return this._rendered;
  }

  /**
   * Whether the interview has ended (the controls are off).
   */
  get readOnly(): boolean {
    return this._readOnly;
  }
  set readOnly(value: boolean) {
    this._readOnly = value;
    this._updateControls();
  }

  /**
   * Reveal the next follow-up part (interviewers).
   */
  async reveal(): Promise<void> {
    if (!this._controls || this._busy) {
      return;
    }
    await this._act(() => this._controls!.revealNextPart());
  }

  /**
   * Choose or switch the question (interviewers).
   */
  async chooseQuestion(): Promise<void> {
    if (!this._controls || this._busy) {
      return;
    }
    await this._act(() => this._controls!.chooseQuestion());
  }

  /**
   * Ask the server again how many parts the question has.
   */
  async refreshPartCount(): Promise<void> {
    if (!this._controls) {
      return;
    }
    const asked = ++this._partCountRequest;
    if (!this._question) {
      this._partCount = null;
      this._updateControls();
      return;
    }
    try {
      const count = await this._controls.partCount();
      if (asked === this._partCountRequest && !this.isDisposed) {
        this._partCount = count;
        this._updateControls();
      }
    } catch (error) {
      if (asked === this._partCountRequest && !this.isDisposed) {
        this._partCount = null;
        this._updateControls();
        this._showError(error);
      }
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._map.unobserveDeep(this._onChange);
    super.dispose();
  }

  private async _act(action: () => Promise<void>): Promise<void> {
    this._busy = true;
    this._updateControls();
    try {
      await action();
      this._showError(null);
    } catch (error) {
      this._showError(error);
    } finally {
      this._busy = false;
      if (!this.isDisposed) {
        this._updateControls();
      }
    }
  }

  private _showError(error: unknown): void {
    this._error.textContent =
      error === null
        ? ''
        : error instanceof Error
          ? error.message
          : String(error);
    this._error.hidden = error === null;
  }

  private _onChange = (): void => {
    const question = readQuestion(this._map);
    const key = question
      ? JSON.stringify([
          question.id,
          question.title,
          question.difficulty,
          question.prompt,
          question.parts
        ])
      : '';
    if (key === this._renderedKey) {
      return;
    }
    const before = this._question;
    this._renderedKey = key;
    this._question = question;
    this.node.dataset.question = question?.id ?? '';
    if (
      question?.id !== before?.id ||
      question?.parts.length !== before?.parts.length
    ) {
      // The room has only the revealed parts: the count comes from the server.
      void this.refreshPartCount();
    }
    this._updateControls();
    this._rendered = this._render(question);
  };

  private async _render(question: IRoomQuestion | null): Promise<void> {
    const generation = ++this._generation;
    const widgets: Widget[] = [];
    if (!question) {
      widgets.push(this._renderEmpty());
    } else {
      const head = new Widget();
      head.addClass('jp-DevInterview-promptHead');
      const title = document.createElement('h2');
      title.className = 'jp-DevInterview-promptTitle';
      title.textContent = question.title || this._trans.__('Untitled question');
      head.node.append(title);
      if (question.difficulty) {
        const difficulty = document.createElement('span');
        difficulty.className = 'jp-DevInterview-difficulty';
        difficulty.dataset.difficulty = question.difficulty;
        difficulty.textContent = formatDifficulty(
          question.difficulty,
          this._trans
        );
        head.node.append(difficulty);
      }
      widgets.push(head);
      const [prompt, ...parts] = await Promise.all([
        this._markdown(question.prompt),
        ...question.parts.map(part => this._markdown(part.prompt))
      ]);
      prompt.addClass('jp-DevInterview-promptText');
      widgets.push(prompt);
      question.parts.forEach((part, index) => {
        const section = new Panel();
        section.addClass('jp-DevInterview-promptPart');
        section.node.dataset.part = String(index + 2);
        section.node.setAttribute('role', 'group');
        const heading = new Widget({ node: document.createElement('h3') });
        heading.addClass('jp-DevInterview-promptPartTitle');
        heading.node.textContent =
          part.title || this._trans.__('Part %1', index + 2);
        section.node.setAttribute('aria-label', heading.node.textContent);
        section.addWidget(heading);
        section.addWidget(parts[index]);
        widgets.push(section);
      });
    }
    if (generation !== this._generation || this.isDisposed) {
      for (const widget of widgets) {
        widget.dispose();
      }
      return;
    }
    for (const widget of [...this._body.widgets]) {
      widget.dispose();
    }
    for (const widget of widgets) {
      this._body.addWidget(widget);
    }
  }

  private async _markdown(source: string): Promise<Widget> {
    try {
      return await renderPromptMarkdown(this._rendermime, source);
    } catch (error) {
      // A renderer failure must not cost the candidate the prompt: show it as text.
      console.warn('DevInterview: could not render the prompt.', error);
      const fallback = new Widget({ node: document.createElement('pre') });
      fallback.addClass('jp-DevInterview-promptPlain');
      fallback.node.textContent = source;
      return fallback;
    }
  }

  private _renderEmpty(): Widget {
    const empty = new Widget();
    empty.addClass('jp-DevInterview-promptEmpty');
    const text = document.createElement('p');
    text.textContent = this._trans.__('No question for this interview');
    empty.node.append(text);
    if (this._controls) {
      const choose = button(
        'jp-DevInterview-chooseQuestion',
        this._trans.__('Choose a question…'),
        this._trans.__('Give this interview a question from the library')
      );
      choose.classList.add('jp-mod-accept');
      choose.disabled = this._readOnly || this._busy;
      choose.addEventListener('click', () => void this.chooseQuestion());
      empty.node.append(choose);
    }
    return empty;
  }

  private _updateControls(): void {
    const question = this._question;
    const revealed = question?.parts.length ?? 0;
    const total = this._partCount;
    this._info.textContent =
      question && total !== null && total > 0
        ? this._trans.__('Part %1 of %2 revealed', revealed + 1, total + 1)
        : '';
    if (this._revealButton) {
      const left = total !== null && revealed < total;
      this._revealButton.hidden = !question || total === null || total === 0;
      this._revealButton.disabled = !left || this._readOnly || this._busy;
      this._revealButton.textContent = left
        ? this._trans.__('Reveal part %1', revealed + 2)
        : this._trans.__('All parts revealed');
      this._revealButton.title = left
        ? this._trans.__('Show the next follow-up part to everyone')
        : this._trans.__('Every part of the question is revealed');
    }
    if (this._changeButton) {
      this._changeButton.hidden = !question;
      this._changeButton.disabled = this._readOnly || this._busy;
    }
    const choose = this._body.node.querySelector<HTMLButtonElement>(
      '.jp-DevInterview-chooseQuestion'
    );
    if (choose) {
      choose.disabled = this._readOnly || this._busy;
    }
  }

  private _trans: TranslationBundle;
  private _rendermime: IRenderMimeRegistry;
  private _controls: IPromptControls | null;
  private _map: Y.Map<unknown>;
  private _info: HTMLSpanElement;
  private _error: HTMLElement;
  private _body: Panel;
  private _revealButton: HTMLButtonElement | null = null;
  private _changeButton: HTMLButtonElement | null = null;
  private _question: IRoomQuestion | null = null;
  private _renderedKey: string | null = null;
  private _rendered: Promise<void> = Promise.resolve();
  private _generation = 0;
  private _partCount: number | null = null;
  private _partCountRequest = 0;
  private _readOnly = false;
  private _busy = false;
}

/**
 * A namespace for `PromptPane` statics.
 */
export namespace PromptPane {
  /**
   * The options of a prompt pane.
   */
  export interface IOptions {
    /**
     * The room's document (its `question` map).
     */
    doc: Y.Doc;
    /**
     * The registry prompts are rendered with (see `promptRenderMime`).
     */
    rendermime: IRenderMimeRegistry;
    trans: TranslationBundle;
    /**
     * The interviewer's controls (none for a candidate).
     */
    controls?: IPromptControls | null;
  }
}

function button(
  className: string,
  label: string,
  title?: string
): HTMLButtonElement {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = `${className} jp-mod-styled`;
  element.textContent = label;
  if (title) {
    element.title = title;
  }
  return element;
}
