import { LabIcon } from '@jupyterlab/ui-components';

/**
 * The DevInterview icon: two speech bubbles around a code bracket.
 */
export const devInterviewIcon = new LabIcon({
  name: 'devinterview-jupyter:icon',
  svgstr: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16" height="16">
  <g class="jp-icon3" fill="#616161">
    <path d="M3 3h12a2 2 0 0 1 2 2v7a2 2 0 0 1-2 2H8l-4 3v-3H3a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm4.3 3.3L5 8.5l2.3 2.2 1-1-1.2-1.2 1.2-1.2-1-1zm3.4 0-1 1 1.2 1.2-1.2 1.2 1 1L13 8.5l-2.3-2.2z"/>
    <path d="M19 8h2a2 2 0 0 1 2 2v6a2 2 0 0 1-2 2h-1v3l-4-3h-5a2 2 0 0 1-2-2v-1h6a4 4 0 0 0 4-4V8z"/>
  </g>
</svg>`
});
