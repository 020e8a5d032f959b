import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { Awareness } from 'y-protocols/awareness';

/**
 * One participant as shown.
 */
export interface IParticipant {
  /**
   * The awareness client id.
   */
  clientId: number;
  /**
   * The display name.
   */
  name: string;
  /**
   * The role the participant announces (awareness is not authenticated).
   */
  role: string;
  /**
   * The participant's colour.
   */
  color: string;
  /**
   * Whether the participant is in the room now.
   */
  online: boolean;
  /**
   * Whether this is the local user.
   */
  local: boolean;
}

/**
 * The participants of a room from its awareness: who is here now, and who
 * was here and left (offline).
 */
export class ParticipantsList extends Widget {
  constructor(options: ParticipantsList.IOptions) {
    super({ node: document.createElement('ul') });
    this._trans = options.trans;
    this._awareness = options.awareness;
    this.addClass('jp-DevInterview-participants');
    this.node.setAttribute('aria-label', this._trans.__('Participants'));
    this._awareness.on('change', this._onChange);
    this._onChange();
  }

  /**
   * The participants, online first.
   */
  get participants(): IParticipant[] {
    return Array.from(this._seen.values()).sort(
      (a, b) => Number(b.online) - Number(a.online)
    );
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._awareness.off('change', this._onChange);
    super.dispose();
  }

  private _onChange = (): void => {
    const states = this._awareness.getStates();
    for (const participant of this._seen.values()) {
      participant.online = false;
    }
    states.forEach((state, clientId) => {
      const user = (state as any)?.user;
      if (!user || typeof user.name !== 'string') {
        return;
      }
      this._seen.set(clientId, {
        clientId,
        name: user.name,
        role: typeof user.role === 'string' ? user.role : '',
        color: typeof user.color === 'string' ? user.color : '',
        online: true,
        local: clientId === this._awareness.clientID
      });
    });
    this._render();
  };

  private _render(): void {
    const trans = this._trans;
    this.node.replaceChildren();
    for (const p of this.participants) {
      const item = document.createElement('li');
      item.className = 'jp-DevInterview-participant';
      item.dataset.online = String(p.online);
      item.dataset.role = p.role;
      const dot = document.createElement('span');
      dot.className = 'jp-DevInterview-participantDot';
      dot.style.backgroundColor = p.color;
      const name = document.createElement('span');
      name.className = 'jp-DevInterview-participantName';
      name.textContent = p.local ? trans.__('%1 (you)', p.name) : p.name;
      const role =
        p.role === 'interviewer'
          ? trans.__('interviewer')
          : p.role === 'candidate'
            ? trans.__('candidate')
            : p.role;
      item.title = [
        p.name,
        role,
        p.online ? trans.__('online') : trans.__('offline')
      ]
        .filter(Boolean)
        .join(' · ');
      item.append(dot, name);
      if (role) {
        const label = document.createElement('span');
        label.className = 'jp-DevInterview-participantRole';
        label.textContent = role;
        item.appendChild(label);
      }
      this.node.appendChild(item);
    }
  }

  private _trans: TranslationBundle;
  private _awareness: Awareness;
  private _seen = new Map<number, IParticipant>();
}

/**
 * A namespace for `ParticipantsList` statics.
 */
export namespace ParticipantsList {
  /**
   * The options of a participants list.
   */
  export interface IOptions {
    /**
     * The room's awareness.
     */
    awareness: Awareness;
    /**
     * The translation bundle.
     */
    trans: TranslationBundle;
  }
}
