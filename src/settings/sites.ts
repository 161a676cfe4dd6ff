// The CRM hosts the content script runs on out of the box (admins add more through `settings.sites`).
export const CRM_MATCHES = [
  'https://*.lightning.force.com/*',
  'https://*.my.salesforce.com/*',
  'https://app.hubspot.com/*',
  'https://app-eu1.hubspot.com/*',
  'https://crm.zoho.com/*',
  'https://crm.zoho.eu/*',
  'https://crm.zoho.in/*',
  'https://crm.zoho.com.au/*',
  'https://crm.zoho.jp/*',
  'https://crm.zohocloud.ca/*',
  'https://*.pipedrive.com/*',
  'https://*.dynamics.com/*',
] as const;

/** Only in demo and test builds: the demo CRM page the backend serves on this machine. */
export const DEMO_MATCHES = ['http://localhost/*', 'http://127.0.0.1/*'];
