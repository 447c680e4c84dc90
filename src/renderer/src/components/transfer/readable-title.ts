/** Alert titles in the text colour: the light variant's coloured title on its tinted background is below 4.5:1. */
export const READABLE_TITLE = { title: { color: 'var(--mantine-color-text)' } };
