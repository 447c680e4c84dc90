import { AppShell, Burger, Group, MantineProvider, NavLink, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { Notifications } from '@mantine/notifications';
import { BrowserRouter, HashRouter, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import type { ComponentType } from 'react';
import { ClientProvider } from './api/client';
import { isElectron } from './api/transport';
import { ConnectionNotices } from './components/ConnectionNotices';
import { Datasets } from './features/datasets/Datasets';
import { Evaluation } from './features/evaluation/Evaluation';
import { Jobs } from './features/jobs/Jobs';
import { Models } from './features/models/Models';
import { Overview } from './features/overview/Overview';
import { Playground } from './features/playground/Playground';
import { Rounds } from './features/rounds/Rounds';
import { Samples } from './features/samples/Samples';
import { Settings } from './features/settings/Settings';
import { ToolPool } from './features/pool/ToolPool';
import { Traces } from './features/traces/Traces';
import { colorSchemeManager, cssVariablesResolver, theme } from './ui/theme';
import { ThemeToggle } from './ui/ThemeToggle';

export interface ViewRoute {
  path: string;
  label: string;
  component: ComponentType;
}

/** Every view, in navigation order. */
export const VIEWS: ViewRoute[] = [
  { path: '/overview', label: 'Overview', component: Overview },
  { path: '/tools', label: 'Tool pool', component: ToolPool },
  { path: '/datasets', label: 'Datasets', component: Datasets },
  { path: '/samples', label: 'Samples', component: Samples },
  { path: '/rounds', label: 'Rounds', component: Rounds },
  { path: '/evaluation', label: 'Evaluation', component: Evaluation },
  { path: '/traces', label: 'Refinement traces', component: Traces },
  { path: '/models', label: 'Models', component: Models },
  { path: '/playground', label: 'Playground', component: Playground },
  { path: '/jobs', label: 'Jobs', component: Jobs },
  { path: '/settings', label: 'Settings', component: Settings },
];

function Shell() {
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Navigation" />
            <Text fw={800} fz="lg">
              Toolsmith
            </Text>
          </Group>
          <ThemeToggle />
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Views">
        {VIEWS.map((view) => (
          <NavLink
            key={view.path}
            href={view.path}
            label={view.label}
            variant="filled"
            active={location.pathname === view.path}
            onClick={(event) => {
              event.preventDefault();
              navigate(view.path);
              close();
            }}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <ConnectionNotices />
        <Routes>
          <Route path="/" element={<Navigate to="/overview" replace />} />
          {VIEWS.map((view) => (
            <Route key={view.path} path={`${view.path}/*`} element={<view.component />} />
          ))}
          <Route path="*" element={<Navigate to="/overview" replace />} />
        </Routes>
      </AppShell.Main>
    </AppShell>
  );
}

export function App() {
  // Electron loads a file:// page, where only hash routes survive a reload.
  const Router = isElectron() ? HashRouter : BrowserRouter;
  return (
    <MantineProvider
      theme={theme}
      defaultColorScheme="auto"
      colorSchemeManager={colorSchemeManager}
      cssVariablesResolver={cssVariablesResolver}
    >
      <Notifications position="bottom-right" />
      <ClientProvider>
        <Router>
          <Shell />
        </Router>
      </ClientProvider>
    </MantineProvider>
  );
}
