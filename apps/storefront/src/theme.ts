import { type CSSVariablesResolver, createTheme, darken, Loader, luminance, type MantineTheme, Modal, TableScrollContainer } from '@mantine/core';

/** WCAG AA for normal-size text is 4.5:1 (badges and small buttons are normal-size text); a little above it, so
 * rounding never takes a pair below. */
const TARGET = 4.6;

const contrast = (a: string, b: string): number => {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
};

/** `color` darkened in small steps until it reaches the target contrast against `background`. */
const darkEnough = (color: string, background: string): string => {
  let candidate = color;
  for (let step = 0; step < 40 && contrast(candidate, background) < TARGET; step++) candidate = darken(color, (step + 1) * 0.025);
  return candidate;
};

// Indigo on white keeps text and controls above WCAG AA contrast; focus rings show for keyboard users.
// Loaders announce themselves as a status (a bare div may not carry a name); dialogs get a named close button.
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  focusRing: 'auto',
  defaultRadius: 'md',
  // Dialogs and menus appear without motion for people who asked their system for less of it.
  respectReducedMotion: true,
  components: {
    Loader: Loader.extend({ defaultProps: { role: 'status' } }),
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // A table wider than the screen shows its horizontal scrollbar for as long as it overflows, not on hover only.
    TableScrollContainer: TableScrollContainer.extend({ defaultProps: { scrollAreaProps: { type: 'auto', offsetScrollbars: 'x' } } }),
  },
});

/**
 * Mantine's stock shades put white text on green, orange or yellow "filled" surfaces and shade-9 text on the pale
 * "light" surfaces below 4.5:1. Every palette gets a filled shade dark enough for white text and a light-variant
 * text colour dark enough for its pale background, so any `color` a component picks stays readable.
 */
export const cssVariables: CSSVariablesResolver = (t: MantineTheme) => {
  const light: Record<string, string> = { '--mantine-color-dimmed': t.colors.gray[7] ?? '#495057' };
  for (const [name, shades] of Object.entries(t.colors)) {
    const filled = darkEnough(shades[8] ?? shades[6] ?? '#000', '#ffffff');
    light[`--mantine-color-${name}-filled`] = filled;
    light[`--mantine-color-${name}-filled-hover`] = darken(filled, 0.1);
    light[`--mantine-color-${name}-text`] = filled;
    light[`--mantine-color-${name}-outline`] = filled;
    light[`--mantine-color-${name}-light-color`] = darkEnough(shades[9] ?? '#000', shades[2] ?? '#fff');
  }
  // Field errors are small red text on white.
  light['--mantine-color-error'] = light['--mantine-color-red-filled'] ?? '#c92a2a';
  return { variables: {}, light, dark: {} };
};
