import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { TranslationBundle } from '@jupyterlab/translation';
import { PromiseDelegate } from '@lumino/coreutils';

import { DevInterviewAPIError } from '../api/errors';
import type { IJoinResult } from '../api/types';
import type { RoomConnection } from '../room/provider';
import type { IDevInterviewClient } from '../tokens';
import {
  ROOM_CHECK_TIMEOUT_MS,
  detectFeatures,
  evaluateBrowser,
  roomCheckStatus
} from './browserCheck';
import { CandidateLobby } from './lobby';
import { prefillName } from './lobbyName';
import { candidateMessage, problemOf } from './messages';

/**
 * What the lobby works with.
 */
export interface ILobbyFlowOptions {
  app: JupyterFrontEnd;
  client: IDevInterviewClient;
  token: string;
  /**
   * The answer of `POST /join` with `lobby: true`.
   */
  info: IJoinResult;
  /**
   * The interview's room, once it is built (the browser check watches it).
   */
  room: Promise<RoomConnection>;
  trans: TranslationBundle;
}

/**
 * Show the lobby until the candidate has joined: resolves with the answer of
 * `POST /join` (with the name given), the lobby gone. A name the server
 * refuses, or a network failure, stays in the lobby for another try; any
 * other failure (link expired, interview ended) rejects.
 */
export async function waitInLobby(
  options: ILobbyFlowOptions
): Promise<IJoinResult> {
  const { app, client, token, info, trans } = options;
  const session = info.session;
  const lobby = new CandidateLobby({
    sessionTitle: session.title,
    language: session.language,
    plannedMinutes: session.planned_minutes ?? null,
    interviewers: info.interviewers,
    policy: info.integrity,
    name: prefillName(info),
    trans
  });

  // The browser check: fixed facts, and the room's connection as it goes.
  const features = detectFeatures();
  const since = Date.now();
  // Set once the interview is built (a holder: assigned in a callback).
  const watched: { room: RoomConnection | null } = { room: null };
  const refresh = () => {
    const room = watched.room;
    const state = room && !room.isDisposed ? room.state : null;
    const status = roomCheckStatus(state, Date.now() - since);
    lobby.setChecks(evaluateBrowser(features, status));
  };
  options.room.then(
    built => {
      if (lobby.isDisposed) {
        return;
      }
      watched.room = built;
      built.stateChanged.connect(refresh);
      refresh();
    },
    () => undefined // Join reports it
  );
  // Once more when the wait runs out (a room that never answers).
  const late = window.setTimeout(refresh, ROOM_CHECK_TIMEOUT_MS + 100);
  refresh();
  app.shell.add(lobby, 'main');
  app.shell.activateById(lobby.id);

  const entered = new PromiseDelegate<IJoinResult>();
  lobby.joinRequested.connect(async (_, name) => {
    lobby.setBusy(true);
    try {
      const joined = await client.join(token, { name });
      // The lobby stays ("Joining…") until the interview can show.
      await options.room;
      entered.resolve(joined);
    } catch (error) {
      const problem = problemOf(error);
      if (
        error instanceof DevInterviewAPIError &&
        error.reason === 'invalid_name'
      ) {
        // The page checks names as the server does; this is the rare case
        // where they disagree: the server's reason, as it says it.
        lobby.showNameError(
          trans.__('This name cannot be used: %1.', error.message)
        );
      } else if (problem === 'network' || problem === 'unavailable') {
        const message = candidateMessage(problem, trans);
        lobby.showError(`${message.title}. ${message.body}`);
      } else {
        entered.reject(error);
      }
    } finally {
      if (!lobby.isDisposed) {
        lobby.setBusy(false);
      }
    }
  });
  try {
    return await entered.promise;
  } finally {
    window.clearTimeout(late);
    watched.room?.stateChanged.disconnect(refresh);
    lobby.dispose();
  }
}
