/**
 * The billing panel's identifiers, one rule each, for every edge that reads them (webhooks, the panel API, the client
 * area, the admin pages). A service id becomes part of the engine VM's name (VM_NAME_PREFIX + id, and `.r<n>` while a
 * reinstall runs), so it keeps to characters every engine accepts and to 48 of them; a client id has the same shape,
 * since panels number clients and services alike. Product ids are free-er (WHMCS numbers, other panels' slugs).
 */

export const BILLING_SERVICE_ID = /^[A-Za-z0-9_-]{1,48}$/;
export const BILLING_SERVICE_ID_RULE = 'must be a billing service id: 1-48 letters, digits, _ or -';

export const BILLING_CLIENT_ID = BILLING_SERVICE_ID;
export const BILLING_CLIENT_ID_RULE = 'must be a billing client id: 1-48 letters, digits, _ or -';

export const BILLING_PRODUCT_ID = /^[A-Za-z0-9._:-]{1,64}$/;
export const BILLING_PRODUCT_ID_RULE = 'must be a billing product id: 1-64 letters, digits or . _ : -';
