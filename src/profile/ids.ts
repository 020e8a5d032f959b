import { PLUGIN_ID } from '../constants';

/**
 * The command ids of display names.
 */
export namespace CommandIDs {
  export const setDisplayName = 'devinterview:set-display-name';
}

/**
 * The id of the display-name plugin.
 */
export const PROFILE_PLUGIN_ID = PLUGIN_ID.profile;
