import { Catalogue } from '../../catalogue/catalogue.js';
import { CatalogueError, loadCatalogue } from '../../catalogue/load.js';
import type { TypeCatalogue } from '../../catalogue/type-catalogue.js';
import builtIn from './catalogue.json' with { type: 'json' };
import type { Regulation } from './regulation.js';
import { numberGroup, regulationSchema } from './regulation.js';

/** The regulations this server knows, found by SID or by number group (country, number type, end-user type). */
export class RegulationCatalogue extends Catalogue<Regulation> {
  constructor(regulations: readonly Regulation[]) {
    super(regulations, (r) => numberGroup(r.isoCountry, r.numberType, r.endUserType));
  }

  findByNumberGroup(isoCountry: string, numberType: string, endUserType: string): Regulation | undefined {
    return this.findByName(numberGroup(isoCountry, numberType, endUserType));
  }
}

export interface RegulationReferences {
  endUserTypes: TypeCatalogue;
  supportingDocumentTypes: TypeCatalogue;
}

/**
 * The built-in regulations (catalogue.json, beside this file), extended or replaced by
 * REGULATIONS_FILE, each checked against the type catalogues it names.
 */
export function loadRegulations(file: string | undefined, references: RegulationReferences): RegulationCatalogue {
  const regulations = loadCatalogue({
    key: 'regulations',
    builtInName: 'built-in Regulations catalogue',
    builtIn,
    file: file === undefined ? undefined : { setting: 'REGULATIONS_FILE', path: file },
    item: regulationSchema,
    identity: (r) => r.sid,
    sid: (r) => r.sid,
  });
  const source = file === undefined ? 'built-in Regulations catalogue' : `REGULATIONS_FILE ${file}`;
  const groups = new Map<string, Regulation>();
  for (const regulation of regulations) {
    const fail = (problem: string): never => {
      throw new CatalogueError(`${source}: regulation ${regulation.sid} (${regulation.friendlyName}) ${problem}`);
    };
    const group = numberGroup(regulation.isoCountry, regulation.numberType, regulation.endUserType);
    const twin = groups.get(group);
    if (twin) fail(`has the same country, number type and end-user type as ${twin.sid} (${twin.friendlyName})`);
    groups.set(group, regulation);
    checkReferences(regulation, references, fail);
  }
  return new RegulationCatalogue(regulations);
}

/** Every type a regulation names exists, and so does every field it asks of one. */
function checkReferences(regulation: Regulation, { endUserTypes, supportingDocumentTypes }: RegulationReferences, fail: (problem: string) => never): void {
  const check = (where: string, catalogue: TypeCatalogue, title: string, typeName: string, fields: readonly { machineName: string }[]) => {
    const type = catalogue.findByMachineName(typeName);
    // A type file that drops or changes types the regulations use needs a regulations file that agrees.
    if (!type) fail(`${where} names ${title} ${JSON.stringify(typeName)}, which is not in that catalogue (a REGULATIONS_FILE must agree with the type catalogues)`);
    for (const field of fields) {
      if (!type.fieldsByName.has(field.machineName)) {
        fail(`${where} asks for ${JSON.stringify(field.machineName)}, which is not a field of ${title} ${typeName}`);
      }
    }
  };
  regulation.endUser.forEach((r, i) => check(`requirements.end_user[${i}]`, endUserTypes, 'End-User Type', r.type, r.fields));
  regulation.supportingDocument.forEach((group, g) =>
    group.forEach((r, i) =>
      r.acceptedDocuments.forEach((d, j) =>
        check(`requirements.supporting_document[${g}][${i}].accepted_documents[${j}]`, supportingDocumentTypes, 'Supporting Document Type', d.type, d.fields),
      ),
    ),
  );
}
