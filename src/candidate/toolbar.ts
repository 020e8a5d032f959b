import type { MainAreaWidget } from '@jupyterlab/apputils';
import { Toolbar } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { formatLanguage } from '../dashboard/format';
import type { InterviewPanel } from '../interview/panel';
import { addConnectionState } from '../interview/connection';
import { TimerDisplay } from '../interview/timer';

/**
 * The candidate's toolbar: the interview title and language, the shared
 * timer (display only) and the connection state. No controls.
 */
export function populateCandidateToolbar(
  widget: MainAreaWidget<InterviewPanel>,
  trans: TranslationBundle
): TimerDisplay {
  const panel = widget.content;
  const toolbar = widget.toolbar;

  const title = document.createElement('span');
  title.className = 'jp-DevInterview-candidateTitle';
  toolbar.addItem('title', new Widget({ node: title }));

  const language = document.createElement('span');
  language.className = 'jp-DevInterview-candidateLanguage';
  toolbar.addItem('language', new Widget({ node: language }));

  const timer = new TimerDisplay({ trans, warningMinutes: 0 });
  timer.setSource(panel.room.timer, panel.clock);
  toolbar.addItem('timer', timer);

  toolbar.addItem('spacer', Toolbar.createSpacerItem());

  addConnectionState(toolbar, panel, trans, trans.__('Interview removed'));

  const sync = () => {
    title.textContent = panel.session.title;
    language.textContent = formatLanguage(panel.language);
  };
  panel.metaChanged.connect(sync);
  sync();
  return timer;
}
