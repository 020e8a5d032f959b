import { getAssetUrlsByMetaUrl } from '@tldraw/assets/urls';
import type { Editor, TLUser } from '@tldraw/editor';
import { atom } from '@tldraw/editor';
import * as React from 'react';
import { createRoot } from 'react-dom/client';
import {
  Tldraw,
  createTLStore,
  defaultBindingUtils,
  defaultShapeUtils
} from 'tldraw';
import 'tldraw/tldraw.css';

import type { IWhiteboardOptions, WhiteboardExportFormat } from '../tokens';
import { WhiteboardBinding } from './binding';
import { PresenceBinding, whiteboardUser } from './presence';

/**
 * The largest image or file a participant may drop on the board. Files are
 * kept inline in the room, so this keeps one drop well below the room's frame
 * limit.
 */
export const MAX_ASSET_BYTES = 256 * 1024;

/**
 * A mounted tldraw board: the part of the whiteboard that is only loaded when
 * an interview opens (tldraw is about 2 MB).
 */
export interface IMountedBoard {
  setReadOnly(readOnly: boolean): void;
  setOnline(online: boolean): void;
  exportImage(format: WhiteboardExportFormat): Promise<Blob>;
  dispose(): void;
}

/**
 * Options of `mountBoard` beyond the whiteboard's own.
 */
export interface IMountOptions extends IWhiteboardOptions {
  /**
   * The tldraw licence key (empty: none; tldraw then hides the canvas on
   * https sites other than localhost).
   */
  licenseKey: string;
  /**
   * Called with the editor once tldraw has mounted (tests reach it through the DOM).
   */
  onEditor?: (editor: Editor) => void;
}

/**
 * Mount a tldraw board bound to the room into `host`.
 */
export function mountBoard(
  host: HTMLElement,
  options: IMountOptions
): IMountedBoard {
  const user = atom<TLUser>(
    'devinterview whiteboard user',
    whiteboardUser(options.awareness.clientID, options.user)
  );
  const mode = atom<'readonly' | 'readwrite'>(
    'devinterview whiteboard mode',
    options.readOnly ? 'readonly' : 'readwrite'
  );
  const status = atom<'online' | 'offline'>(
    'devinterview whiteboard status',
    'online'
  );
  const store = createTLStore({
    shapeUtils: defaultShapeUtils,
    bindingUtils: defaultBindingUtils,
    users: { currentUser: user },
    collaboration: { mode, status }
  });
  const binding = new WhiteboardBinding({
    store,
    doc: options.doc,
    readOnly: options.readOnly
  });
  const presence = new PresenceBinding({
    store,
    awareness: options.awareness,
    user
  });

  let editor: Editor | null = null;
  const assetUrls = getAssetUrlsByMetaUrl();
  const root = createRoot(host);
  const render = () =>
    root.render(
      <Tldraw
        store={store}
        licenseKey={options.licenseKey || undefined}
        assetUrls={assetUrls}
        autoFocus={false}
        maxAssetSize={MAX_ASSET_BYTES}
        colorScheme={darkTheme() ? 'dark' : 'light'}
        onMount={mounted => {
          editor = mounted;
          options.onEditor?.(mounted);
        }}
      />
    );
  render();
  // Follow JupyterLab's light/dark theme.
  const themeObserver = new MutationObserver(render);
  themeObserver.observe(document.body, {
    attributes: true,
    attributeFilter: ['data-jp-theme-light']
  });

  return {
    setReadOnly(readOnly: boolean): void {
      binding.readOnly = readOnly;
      mode.set(readOnly ? 'readonly' : 'readwrite');
    },
    setOnline(online: boolean): void {
      status.set(online ? 'online' : 'offline');
    },
    async exportImage(format: WhiteboardExportFormat): Promise<Blob> {
      const ids = editor ? [...editor.getCurrentPageShapeIds()] : [];
      if (!editor || ids.length === 0) {
        throw new Error(options.trans.__('The whiteboard is empty.'));
      }
      const image = await editor.toImage(ids, {
        format,
        background: true,
        padding: 16
      });
      return image.blob;
    },
    dispose(): void {
      themeObserver.disconnect();
      presence.dispose();
      binding.dispose();
      root.unmount();
      editor = null;
    }
  };
}

function darkTheme(): boolean {
  return document.body.dataset.jpThemeLight === 'false';
}
