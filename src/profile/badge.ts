import type { CommandRegistry } from '@lumino/commands';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IProfile } from '../api/types';
import type { IDevInterviewClient } from '../tokens';
import { CommandIDs } from './ids';

/**
 * "You appear as <name>" with a button that runs the set-name command; when
 * the name is one Jupyter made up ("Anonymous Leda"), it asks for a real one.
 */
export class ProfileBadge extends Widget {
  constructor(options: ProfileBadge.IOptions) {
    super();
    this._client = options.client;
    this._commands = options.commands;
    this._trans = options.trans;
    this.addClass('jp-DevInterview-profile');
    this.node.setAttribute('role', 'group');
    this.node.setAttribute('aria-label', this._trans.__('Your display name'));
    this._text = document.createElement('span');
    this._text.className = 'jp-DevInterview-profileText';
    this._button = document.createElement('button');
    this._button.type = 'button';
    this._button.className =
      'jp-mod-styled jp-mod-reject jp-DevInterview-profileButton';
    this._button.dataset.action = 'set-display-name';
    this._button.addEventListener('click', () => {
      void this._commands.execute(CommandIDs.setDisplayName);
    });
    this.node.append(this._text, this._button);
    this._commands.commandExecuted.connect(this._onCommand, this);
    this._render();
    void this.refresh();
  }

  /**
   * The profile shown (null until loaded).
   */
  get profile(): IProfile | null {
    return this._profile;
  }

  /**
   * Load the profile from the server again.
   */
  async refresh(): Promise<void> {
    try {
      this._profile = await this._client.getProfile();
    } catch {
      // Shown without a name; the button still works.
    }
    if (!this.isDisposed) {
      this._render();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._commands.commandExecuted.disconnect(this._onCommand, this);
    super.dispose();
  }

  private _onCommand(
    _: CommandRegistry,
    args: CommandRegistry.ICommandExecutedArgs
  ): void {
    if (args.id !== CommandIDs.setDisplayName) {
      return;
    }
    void args.result.then(
      (saved: IProfile | null) => {
        if (saved && !this.isDisposed) {
          this._profile = saved;
          this._render();
        }
      },
      () => undefined
    );
  }

  private _render(): void {
    const trans = this._trans;
    const profile = this._profile;
    const anonymous = profile?.anonymous ?? false;
    this.node.dataset.anonymous = String(anonymous);
    this._text.replaceChildren();
    if (profile) {
      const name = document.createElement('span');
      name.className = 'jp-DevInterview-profileName';
      name.textContent = profile.name;
      // The sentence with the name in its place, whatever the language.
      const [before, after] = trans
        .__('You appear as %1', '\u0000')
        .split('\u0000');
      this._text.append(before ?? '', name, after ?? '');
      if (anonymous) {
        const hint = document.createElement('span');
        hint.className = 'jp-DevInterview-profileHint';
        hint.textContent = trans.__(
          ' — set your name so that candidates know who you are'
        );
        this._text.appendChild(hint);
      }
    }
    this._button.textContent = anonymous
      ? trans.__('Set your name')
      : trans.__('Change name');
    this._button.title = trans.__('Set the name others see you under');
    this._button.classList.toggle('jp-mod-accept', anonymous);
    this._button.classList.toggle('jp-mod-reject', !anonymous);
  }

  private _client: IDevInterviewClient;
  private _commands: CommandRegistry;
  private _trans: TranslationBundle;
  private _text: HTMLElement;
  private _button: HTMLButtonElement;
  private _profile: IProfile | null = null;
}

/**
 * A namespace for `ProfileBadge` statics.
 */
export namespace ProfileBadge {
  /**
   * The options of a profile badge.
   */
  export interface IOptions {
    /**
     * The REST client.
     */
    client: IDevInterviewClient;
    /**
     * The application's commands (the button runs the set-name command).
     */
    commands: CommandRegistry;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
  }
}
