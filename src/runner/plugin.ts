import type {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';

import type { Language } from '../api/types';
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
  activate: (_app: JupyterFrontEnd): ICodeRunners => {
    const pyodideUrl = PageConfig.getOption(PYODIDE_URL_OPTION);
    let python: MessageRuntime | null = null;
    let javascript: MessageRuntime | null = null;
    const pythonRuntime = () =>
      (python ??= new MessageRuntime({
        mode: 'python',
        factory: pythonTransport(
          pyodideUrl ? pyodideUrl.replace(/\/?$/, '/') : '',
          Boolean(pyodideUrl)
        )
      }));
    let sql: ICodeRunner | null = null;
    return {
      runnerFor: (language: Language): ICodeRunner | null => {
        switch (language) {
          case 'python':
            return pythonRuntime();
          case 'sql':
            return (sql ??= new ModeView(pythonRuntime(), 'sql'));
          case 'javascript':
            return (javascript ??= new MessageRuntime({
              mode: 'javascript',
              factory: jsSandboxTransport
            }));
          default:
            return null;
        }
      }
    };
  }
};
