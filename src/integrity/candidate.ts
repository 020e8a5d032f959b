import type { IDisposable } from '@lumino/disposable';
import { DisposableDelegate } from '@lumino/disposable';

import type { IIntegrityPolicy } from '../api/types';
import type { IDevInterviewClient } from '../tokens';
import { IntegrityDetector } from './detector';
import { IntegritySender } from './sender';

/**
 * Start reporting the candidate's integrity signals, as the notice told the
 * candidate; null (nothing watched, nothing sent) when the server records
 * none. Only the candidate page calls this: interviewers' pages send nothing.
 */
export function startIntegritySignals(
  options: IStartIntegrityOptions
): IDisposable | null {
  const { client, sessionId, policy } = options;
  if (!policy.signals) {
    return null;
  }
  const sender = new IntegritySender({
    report: body => client.reportEvent(sessionId, body)
  });
  const detector = new IntegrityDetector({
    sink: sender,
    editorNode: options.editorNode,
    pasteChars: policy.paste_chars,
    isReadOnly: options.isReadOnly,
    document: options.document,
    window: options.window
  });
  return new DisposableDelegate(() => {
    detector.dispose();
    sender.dispose();
  });
}

/**
 * The options of `startIntegritySignals`.
 */
export interface IStartIntegrityOptions {
  /**
   * The REST client, with the candidate's credential.
   */
  client: Pick<IDevInterviewClient, 'reportEvent'>;
  /**
   * The candidate's session.
   */
  sessionId: string;
  /**
   * What the server records (from `POST /join`).
   */
  policy: IIntegrityPolicy;
  /**
   * The code editor's node.
   */
  editorNode: HTMLElement;
  /**
   * Whether the editor is read-only now.
   */
  isReadOnly?: () => boolean;
  /**
   * The document (default: this page's).
   */
  document?: Document;
  /**
   * The window (default: this page's).
   */
  window?: Window;
}
