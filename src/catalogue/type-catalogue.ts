import type { FastifyInstance } from 'fastify';
import type { ActionContext } from '../twilio/actions.js';
import { Catalogue } from './catalogue.js';
import { loadCatalogue } from './load.js';
import { registerCatalogueRoutes } from './routes.js';
import type { CatalogueType, TypeSchemaOptions } from './types.js';
import { typeJson, typeSchema } from './types.js';

/** A catalogue of types (End-User Types, Supporting Document Types), found by SID or machine name. */
export class TypeCatalogue extends Catalogue<CatalogueType> {
  constructor(types: readonly CatalogueType[]) {
    super(types, (type) => type.machineName);
  }

  findByMachineName(machineName: string): CatalogueType | undefined {
    return this.findByName(machineName);
  }

  machineNames(): string[] {
    return this.names();
  }
}

export interface TypeCatalogueSpec extends TypeSchemaOptions {
  /** The list key and the file's array key, e.g. `end_user_types`. */
  key: string;
  /** e.g. "End-User Types". */
  title: string;
  builtIn: unknown;
  /** The setting that names the operator's file, e.g. END_USER_TYPES_FILE. */
  setting: string;
}

export function loadTypeCatalogue(spec: TypeCatalogueSpec, file: string | undefined): TypeCatalogue {
  return new TypeCatalogue(
    loadCatalogue({
      key: spec.key,
      builtInName: `built-in ${spec.title} catalogue`,
      builtIn: spec.builtIn,
      file: file === undefined ? undefined : { setting: spec.setting, path: file },
      item: typeSchema(spec),
      identity: (type) => type.machineName,
      sid: (type) => type.sid,
    }),
  );
}

/** List and fetch (by SID or machine name) of a type catalogue at `path`. */
export function registerTypeCatalogueRoutes(app: FastifyInstance, context: ActionContext, path: string, key: string, catalogue: TypeCatalogue): void {
  registerCatalogueRoutes(app, context, { path, key, sidPrefix: 'OY', catalogue, fetchByName: true, json: (type, url) => typeJson(type, url) });
}
