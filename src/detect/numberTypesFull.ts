// Full (libphonenumber "max") validity outside the content script: importing this provides the
// generated number types. The modules that validate for extension pages import it (ui/dialTarget.ts,
// detect/selectionToTarget.ts); the content script fetches them as a packaged file instead
// (numberTypesFile.ts), so CRM pages do not load them with it (a lint rule in .dependency-cruiser.cjs).
import { NUMBER_TYPES } from './numberTypes';
import { provideNumberTypes } from './phoneMetadata';

provideNumberTypes(NUMBER_TYPES);
