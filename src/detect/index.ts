// Pure detection: phone numbers and contact ids in text and DOM, without extension APIs.
export { findPhoneNumbers, mayContainPhoneNumber } from './findPhoneNumbers';
export type { PhoneMatch, PhoneTarget } from './findPhoneNumbers';
export { phoneFromHref, isPhoneHref } from './phoneFromHref';
export { CONTACT_PRESETS, compileContactRules, contactTargetOf } from './contactRules';
export type { CompiledContactRule, ContactTarget } from './contactRules';
export { selectionToTarget } from './selectionToTarget';
export { resolveDefaultCountry } from './defaultCountry';
export { formatInternational, validatePhone } from './phoneMetadata';
