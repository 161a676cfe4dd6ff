// Full (libphonenumber "max") validity for every bundle but the content script: importing this
// provides the generated number types. The content script fetches them as a packaged file instead
// (numberTypesFile.ts), so CRM pages do not load them with it.
import { NUMBER_TYPES } from './numberTypes';
import { provideNumberTypes } from './phoneMetadata';

provideNumberTypes(NUMBER_TYPES);
