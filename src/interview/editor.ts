import { Compartment } from '@codemirror/state';
import { EditorView, placeholder } from '@codemirror/view';
import type { IEditorServices } from '@jupyterlab/codeeditor';
import { CodeEditor, CodeEditorWrapper } from '@jupyterlab/codeeditor';
import type { CodeMirrorEditor } from '@jupyterlab/codemirror';
import type { YFile } from '@jupyter/ydoc';
import type { TranslationBundle } from '@jupyterlab/translation';
import {
  yRemoteSelections,
  yRemoteSelectionsTheme,
  ySyncFacet,
  YSyncConfig
} from 'y-codemirror.next';

import { labelledAwareness } from '../profile/cursors';

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
  const editable = new Compartment();
  const readOnly = options.readOnly ?? false;
  const editor = new CodeEditorWrapper({
    factory: options.editorServices.factoryService.newDocumentEditor,
    model,
    editorOptions: {
      config: {
        lineNumbers: true,
        readOnly,
        customStyles: { fontSize: options.fontSize ?? null }
      },
      extensions: [
        ySyncFacet.of(
          new YSyncConfig(
            options.sharedModel.ysource,
            // Remote cursors' labels carry the role: "Ada · Interviewer".
            labelledAwareness(options.sharedModel.awareness, options.trans)
          )
        ),
        yRemoteSelectionsTheme,
        yRemoteSelections,
        // `readOnly` alone keeps the editor focusable with a blinking caret
        // that swallows keys; not editable also drops contenteditable.
        editable.of(EditorView.editable.of(!readOnly)),
        // The text box itself needs the name: it is what takes the focus.
        ...(options.label
          ? [EditorView.contentAttributes.of({ 'aria-label': options.label })]
          : []),
        ...(options.placeholder ? [placeholder(options.placeholder)] : [])
      ]
    }
  });
  editables.set(editor, editable);
  editor.addClass('jp-DevInterview-editor');
  editor.disposed.connect(() => model.dispose());
  return editor;
}

const editables = new WeakMap<CodeEditorWrapper, Compartment>();

/**
 * Make an interview editor read-only or editable again: CodeMirror's
 * read-only state (no edits) and its editable facet (no caret, no focus,
 * no keystrokes taken).
 */
export function setEditorReadOnly(
  wrapper: CodeEditorWrapper,
  readOnly: boolean
): void {
  wrapper.editor.setOption('readOnly', readOnly);
  const editable = editables.get(wrapper);
  const view = (wrapper.editor as CodeMirrorEditor).editor as
    EditorView | undefined;
  if (editable && view) {
    view.dispatch({
      effects: editable.reconfigure(EditorView.editable.of(!readOnly))
    });
  }
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
  /**
   * The hint an empty editor shows.
   */
  placeholder?: string;
  /**
   * The editor's accessible name.
   */
  label?: string;
  /**
   * The translation bundle of the cursor labels' role words (none: English).
   */
  trans?: TranslationBundle;
}
