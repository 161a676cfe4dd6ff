// The console's tabs, in order: id (also the URL hash), label key, page. History and Reports come
// from their own folders; register them here:
//   { id: 'history', labelKey: 'adminTabHistory', Page: HistoryPage },  (src/admin/history/HistoryPage.tsx)
//   { id: 'reports', labelKey: 'adminTabReports', Page: ReportsPage },  (src/admin/reports/ReportsPage.tsx)
import type { ComponentType } from 'preact';
import { AgentsPage } from './agents/AgentsPage';
import { AuditPage } from './audit/AuditPage';
import { LivePage } from './live/LivePage';
import { SettingsPage } from './settings/SettingsPage';

export interface Tab {
  id: string;
  labelKey: string;
  Page: ComponentType;
}

export const tabs: Tab[] = [
  { id: 'live', labelKey: 'adminTabLive', Page: LivePage },
  { id: 'agents', labelKey: 'adminTabAgents', Page: AgentsPage },
  { id: 'settings', labelKey: 'adminTabSettings', Page: SettingsPage },
  { id: 'audit', labelKey: 'adminTabAudit', Page: AuditPage },
];
