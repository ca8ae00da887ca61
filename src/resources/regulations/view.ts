import type { AcceptedDocument, DocumentRequirement, EndUserRequirement, Regulation, RequirementField } from './regulation.js';

/** How much of each field to show: `constraint` only when the client asked (IncludeConstraints). */
export interface RegulationView {
  /** The API origin plus prefix, e.g. `https://numbers.twilio.com/v2/RegulatoryCompliance`. */
  api: string;
  includeConstraints: boolean;
}

/** Twilio's Regulation shape; `fields` lists the machine names of `detailed_fields`. */
export function regulationJson(regulation: Regulation, url: string, view: RegulationView): string {
  return JSON.stringify({
    sid: regulation.sid,
    friendly_name: regulation.friendlyName,
    iso_country: regulation.isoCountry,
    number_type: regulation.numberType,
    end_user_type: regulation.endUserType,
    requirements: {
      end_user: regulation.endUser.map((r) => endUserJson(r, view)),
      supporting_document: regulation.supportingDocument.map((group) => group.map((r) => documentJson(r, view))),
    },
    url,
  });
}

function endUserJson(r: EndUserRequirement, view: RegulationView) {
  return {
    name: r.name,
    type: r.type,
    requirement_name: r.requirementName,
    url: `${view.api}/EndUserTypes/${r.type}`,
    fields: r.fields.map((f) => f.machineName),
    detailed_fields: r.fields.map((f) => fieldJson(f, view)),
  };
}

function documentJson(r: DocumentRequirement, view: RegulationView) {
  return {
    name: r.name,
    type: r.type,
    requirement_name: r.requirementName,
    description: r.description ?? '',
    accepted_documents: r.acceptedDocuments.map((d) => acceptedJson(d, view)),
  };
}

function acceptedJson(d: AcceptedDocument, view: RegulationView) {
  return {
    name: d.name,
    type: d.type,
    url: `${view.api}/SupportingDocumentTypes/${d.type}`,
    fields: d.fields.map((f) => f.machineName),
    detailed_fields: d.fields.map((f) => fieldJson(f, view)),
  };
}

function fieldJson(f: RequirementField, view: RegulationView) {
  return {
    machine_name: f.machineName,
    friendly_name: f.friendlyName,
    ...(f.description === undefined ? {} : { description: f.description }),
    ...(view.includeConstraints && f.constraint !== undefined ? { constraint: f.constraint } : {}),
  };
}
