// The console's tabs, in order: id (also the URL hash), label key, page.
import type { ComponentType } from 'preact';
import { AgentsPage } from './agents/AgentsPage';
import { AuditPage } from './audit/AuditPage';
import { HistoryPage } from './history/HistoryPage';
import { LivePage } from './live/LivePage';
import { ReportsPage } from './reports/ReportsPage';
import { SettingsPage } from './settings/SettingsPage';

export interface Tab {
  id: string;
  labelKey: string;
  Page: ComponentType;
}

export const tabs: Tab[] = [
  { id: 'live', labelKey: 'adminTabLive', Page: LivePage },
  { id: 'history', labelKey: 'adminTabHistory', Page: HistoryPage },
  { id: 'reports', labelKey: 'adminTabReports', Page: ReportsPage },
  { id: 'agents', labelKey: 'adminTabAgents', Page: AgentsPage },
  { id: 'settings', labelKey: 'adminTabSettings', Page: SettingsPage },
  { id: 'audit', labelKey: 'adminTabAudit', Page: AuditPage },
];
