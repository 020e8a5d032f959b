import type { IEditorServices } from '@jupyterlab/codeeditor';
import { CodeEditor, CodeEditorWrapper } from '@jupyterlab/codeeditor';
import type { YFile } from '@jupyter/ydoc';
import {
  yRemoteSelections,
  yRemoteSelectionsTheme,
  ySyncFacet,
  YSyncConfig
} from 'y-codemirror.next';

/**
 * Create the collaborative code editor of an interview: JupyterLab's own
 * CodeMirror 6 editor on a model whose shared model is the room's `YFile`,
 * so JupyterLab's Yjs binding edits the room's `source` Y.Text. Remote
 * cursors and selections (with the participants' names and colours) come
 * from the room's awareness.
 */
export function createInterviewEditor(
  options: IInterviewEditorOptions
): CodeEditorWrapper {
  const model = new CodeEditor.Model({
    sharedModel: options.sharedModel,
    mimeType: options.mimeType
  });
  const editor = new CodeEditorWrapper({
    factory: options.editorServices.factoryService.newDocumentEditor,
    model,
    editorOptions: {
      config: {
        lineNumbers: true,
        readOnly: options.readOnly ?? false,
        customStyles: { fontSize: options.fontSize ?? null }
      },
      extensions: [
        ySyncFacet.of(
          new YSyncConfig(
            options.sharedModel.ysource,
            options.sharedModel.awareness
          )
        ),
        yRemoteSelectionsTheme,
        yRemoteSelections
      ]
    }
  });
  editor.addClass('jp-DevInterview-editor');
  editor.disposed.connect(() => model.dispose());
  return editor;
}

/**
 * The options of `createInterviewEditor`.
 */
export interface IInterviewEditorOptions {
  /**
   * JupyterLab's editor services.
   */
  editorServices: IEditorServices;
  /**
   * The room's shared file.
   */
  sharedModel: YFile;
  /**
   * The MIME type to highlight.
   */
  mimeType: string;
  /**
   * Font size in px (null: JupyterLab's).
   */
  fontSize?: number | null;
  /**
   * Start read-only.
   */
  readOnly?: boolean;
}
