import type { EndUserType } from './catalogue.js';

export const END_USER_TYPES_PATH = '/v2/RegulatoryCompliance/EndUserTypes';

/** Twilio's End-User Type shape: each field shows its names and constraint, nothing more. */
export function endUserTypeJson(type: EndUserType, origin: string): Record<string, unknown> {
  return {
    sid: type.sid,
    friendly_name: type.friendlyName,
    machine_name: type.machineName,
    fields: type.fields.map((field) => ({
      friendly_name: field.friendlyName,
      machine_name: field.machineName,
      constraint: field.constraint,
    })),
    url: `${origin}${END_USER_TYPES_PATH}/${type.sid}`,
  };
}
