import '@mantine/core/styles.css';
import './styles.css';
import { type CSSVariablesResolver, createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.js';
import { LiveProvider } from './live/live.js';
import { SessionProvider } from './session/session.js';

// Indigo on white keeps text and controls above WCAG AA contrast; focus rings show for keyboard users.
const theme = createTheme({ primaryColor: 'indigo', primaryShade: 8, focusRing: 'auto', defaultRadius: 'md' });

// Mantine's default dimmed grey is below 4.5:1 on white; a darker grey keeps secondary text readable.
const cssVariables: CSSVariablesResolver = (t) => ({
  variables: {},
  light: { '--mantine-color-dimmed': t.colors.gray[7] ?? '#495057' },
  dark: {},
});

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');

createRoot(root).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="light" cssVariablesResolver={cssVariables}>
      <BrowserRouter>
        <SessionProvider>
          <LiveProvider>
            <App />
          </LiveProvider>
        </SessionProvider>
      </BrowserRouter>
    </MantineProvider>
  </StrictMode>,
);
