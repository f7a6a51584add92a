import '@mantine/core/styles.css';
import './styles.css';
import { MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App.js';
import { LiveProvider } from './live/live.js';
import { SessionProvider } from './session/session.js';
import { cssVariables, theme } from './theme.js';


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
