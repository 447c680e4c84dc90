import { createTheme, localStorageColorSchemeManager, type CSSVariablesResolver, type MantineColorsTuple } from '@mantine/core';

/** Toolsmith's Mantine theme: its colours, the contrast fixes, and where the chosen colour scheme is kept. */

// Shades and the dimmed colour chosen for WCAG AA contrast (4.5:1) on both themes.
// Toolsmith's green: Mantine's teal with darker top shades, so white text on filled and hovered
// elements keeps a 4.5:1 contrast.
const toolsmith: MantineColorsTuple = [
  '#e6fcf5',
  '#c3fae8',
  '#96f2d7',
  '#63e6be',
  '#38d9a9',
  '#20c997',
  '#12b886',
  '#087f5b',
  '#076b4d',
  '#055a40',
];
export const theme = createTheme({ colors: { toolsmith }, primaryColor: 'toolsmith', primaryShade: 7, defaultRadius: 'md' });
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    // Light-variant badges and buttons: text dark enough for 4.5:1 on their pale background.
    '--mantine-color-teal-light-color': '#06593f',
    '--mantine-color-toolsmith-light-color': '#06593f',
    // The curation banner's title and link on the pale yellow alert.
    '--mantine-color-yellow-light-color': '#6b4400',
  },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});
export const colorSchemeManager = localStorageColorSchemeManager({ key: 'toolsmith-color-scheme' });
