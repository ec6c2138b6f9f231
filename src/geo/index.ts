/** Where addresses are: country (and network) from offline MaxMind-format databases, names and flags. */
export { createLocator, NOWHERE, openLocator, shippedCountryDatabase, type DatabaseInfo, type Locator, type OpenDatabase, type Where } from './lookup.js';
export { countryName, flag, isCountryCode } from './names.js';
