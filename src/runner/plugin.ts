import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { PageConfig, URLExt } from '@jupyterlab/coreutils';

import type { Language } from '../api/types';
import { jupyterServerUrl } from '../candidate/server';
import type { ICodeRunner } from '../tokens';
import { ICodeRunners } from '../tokens';
import { jsSandboxTransport } from './jsSandbox';
import { pythonTransport } from './pythonTransport';
import { MessageRuntime, ModeView } from './runtime';

/**
 * The id of the runners plugin.
 */
export const RUNNERS_PLUGIN_ID = 'devinterview-jupyter:runners';

/**
 * The page-config option with a full Pyodide distribution's URL (server
 * setting `DevInterviewApp.pyodide_url`); empty: the copy in our extension.
 */
export const PYODIDE_URL_OPTION = 'devinterviewPyodideUrl';

/**
 * Code runners for this tab: Python and SQL share one Pyodide worker,
 * JavaScript gets a sandboxed frame. Runtimes start on first use.
 */
export const runnersPlugin: JupyterFrontEndPlugin<ICodeRunners> = {
  id: RUNNERS_PLUGIN_ID,
  description: 'Runs interview code in the browser.',
  autoStart: true,
  provides: ICodeRunners,
  activate: (app: JupyterFrontEnd): ICodeRunners => {
    const pyodideUrl = PageConfig.getOption(PYODIDE_URL_OPTION);
    // Our files as the server's candidate-site handler serves them (with
    // CORS, which the sandbox needs): on the candidate page, the server the
    // page talks to; in JupyterLab, this server.
    const own = app.serviceManager.serverSettings.baseUrl;
    const staticBase = URLExt.join(
      jupyterServerUrl(own) ?? own,
      'devinterview/candidate/extensions/devinterview-jupyter/static/'
    );
    const newPython = () =>
      new MessageRuntime({
        mode: 'python',
        factory: pythonTransport({
          staticBase,
          indexURL: pyodideUrl
            ? pyodideUrl.replace(/\/?$/, '/')
            : `${staticBase}pyodide/`,
          loadPackages: Boolean(pyodideUrl)
        })
      });
    const newJavaScript = () =>
      new MessageRuntime({ mode: 'javascript', factory: jsSandboxTransport });
    let python: MessageRuntime | null = null;
    let javascript: MessageRuntime | null = null;
    let sql: ICodeRunner | null = null;
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
