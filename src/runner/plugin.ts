import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ILabShell } from '@jupyterlab/application';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

import type { Language } from '../api/types';
import { jupyterServerUrl } from '../candidate/server';
import type { ICodeRunner } from '../tokens';
import { ICodeRunners } from '../tokens';
import { PAGE_CONFIG, PLUGIN_ID, URL_PATH } from '../constants';
import { jsSandboxTransport } from './jsSandbox';
import { pythonTransport } from './pythonTransport';
import { MessageRuntime, ModeView } from './runtime';
import { isDevInterviewView } from './startup';

/**
 * The id of the runners plugin.
 */
export const RUNNERS_PLUGIN_ID = PLUGIN_ID.runners;

/**
 * The page-config option with a full Pyodide distribution's URL (server
 * setting `DevInterviewApp.pyodide_url`); empty: the copy in our extension.
 */
export const PYODIDE_URL_OPTION = PAGE_CONFIG.pyodideUrl;

/**
 * Code runners for this tab: Python and SQL share one Pyodide worker,
 * JavaScript gets a sandboxed frame. Runtimes start on first use.
 */
export const runnersPlugin: JupyterFrontEndPlugin<ICodeRunners> = {
  id: RUNNERS_PLUGIN_ID,
  description: 'Runs interview code in the browser.',
  autoStart: true,
  provides: ICodeRunners,
  optional: [ILabShell],
  activate: (
    app: JupyterFrontEnd,
    labShell: ILabShell | null
  ): ICodeRunners => {
    const pyodideUrl = PageConfig.getOption(PYODIDE_URL_OPTION);
    // Our labextension's files as the server's `devinterview/static/` route
    // serves them (public, with the CORS the sandbox needs): on the candidate
    // page, the server the page talks to; in JupyterLab, this server. Not the
    // candidate site's folder: Run works on a server without one.
    const own = app.serviceManager.serverSettings.baseUrl;
    const staticBase = URLExt.join(
      jupyterServerUrl(own) ?? own,
      URL_PATH.runnerStatic
    );
    const newPython = () =>
      new MessageRuntime({
        mode: 'python',
        factory: pythonTransport({
          staticBase,
          indexURL: pyodideUrl
            ? pyodideUrl.replace(/\/?$/, '/')
            : `${staticBase}pyodide/`,
          loadPackages: Boolean(pyodideUrl),
          ownPyodide: !pyodideUrl
        })
      });
    const newJavaScript = () =>
      new MessageRuntime({ mode: 'javascript', factory: jsSandboxTransport });
    let python: MessageRuntime | null = null;
    let javascript: MessageRuntime | null = null;
    let sql: ICodeRunner | null = null;
    if (labShell) {
      // An interviewer is about to run code once DevInterview is on screen
      // (its sidebar, dashboard or an interview): start Python then, seconds
      // before an interview needs it — not on every JupyterLab load.
      const shell = labShell;
      const check = () => {
        if (python) {
          shell.layoutModified.disconnect(check);
          shell.currentChanged.disconnect(check);
          shell.activeChanged.disconnect(check);
        } else if (devInterviewShown(shell)) {
          (python ??= newPython()).warm();
        }
      };
      shell.layoutModified.connect(check);
      shell.currentChanged.connect(check);
      shell.activeChanged.connect(check);
      void app.restored.then(check);
    }
    return {
      runnerFor: (language: Language): ICodeRunner | null => {
        switch (language) {
          case 'python':
            return (python ??= newPython());
          case 'sql':
            return (sql ??= new ModeView((python ??= newPython()), 'sql'));
          case 'javascript':
            return (javascript ??= newJavaScript());
          default:
            return null;
        }
      },
      // A new frame and worker each time; Python starts from the browser's
      // snapshot of a fresh interpreter, so this costs about a second.
      freshRunnerFor: (language: Language): ICodeRunner | null => {
        switch (language) {
          case 'python':
            return newPython();
          case 'sql':
            return new ModeView(newPython(), 'sql', { owns: true });
          case 'javascript':
            return newJavaScript();
          default:
            return null;
        }
      }
    };
  }
};

function devInterviewShown(shell: ILabShell): boolean {
  for (const area of ['main', 'left', 'right'] as const) {
    for (const widget of shell.widgets(area)) {
      if (widget.isVisible && isDevInterviewView(widget.id)) {
        return true;
      }
    }
  }
  return false;
}
