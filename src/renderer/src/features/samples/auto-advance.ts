/** The workspace setting behind auto-advance in Samples: on unless stored as false (Settings view). */
export const AUTO_ADVANCE_SETTING = 'curation.autoAdvance';
