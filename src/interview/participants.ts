import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';
import type { Awareness } from 'y-protocols/awareness';

import { isHexColor } from '../profile/colors';
import { roleBadge, roleLabel } from '../profile/roles';

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
   * The role (stamped by the server on what it relays, rooms/sync.py).
   */
  role: string;
  /**
   * The participant's colour (assigned by the server, colors.py).
   */
  color: string;
  /**
   * Whether the participant is on the candidate's welcome page, not yet in
   * the interview (their awareness state says `lobby: true`).
   */
  lobby: boolean;
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
        // Only a hex colour reaches the style attribute.
        color: isHexColor(user.color) ? user.color : '',
        lobby: (state as any)?.lobby === true,
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
      if (p.lobby) {
        item.dataset.lobby = 'true';
      }
      const dot = document.createElement('span');
      dot.className = 'jp-DevInterview-participantDot';
      dot.setAttribute('aria-hidden', 'true');
      if (p.color) {
        dot.style.backgroundColor = p.color;
      }
      const name = document.createElement('span');
      name.className = 'jp-DevInterview-participantName';
      name.textContent = p.local ? trans.__('%1 (you)', p.name) : p.name;
      const where = p.lobby ? trans.__('in the lobby') : '';
      item.title = [
        p.name,
        roleLabel(p.role, trans),
        where,
        p.online ? trans.__('online') : trans.__('offline')
      ]
        .filter(Boolean)
        .join(' · ');
      item.append(dot, name);
      const badge = roleBadge(p.role, trans);
      if (badge) {
        item.appendChild(badge);
      }
      if (where) {
        const lobby = document.createElement('span');
        lobby.className = 'jp-DevInterview-participantLobby';
        lobby.textContent = where;
        item.appendChild(lobby);
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
