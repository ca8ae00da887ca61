import { createHash } from 'node:crypto';

export const CONSTRAINTS = ['String', 'List'] as const;
export type Constraint = (typeof CONSTRAINTS)[number];

export interface EndUserTypeField {
  machineName: string;
  friendlyName: string;
  constraint: Constraint;
  /** The values a `List` field may take; never served (Twilio's field objects show none). */
  allowedValues: readonly string[] | undefined;
}

export interface EndUserType {
  sid: string;
  machineName: string;
  friendlyName: string;
  fields: readonly EndUserTypeField[];
  fieldsByName: ReadonlyMap<string, EndUserTypeField>;
}

const SID_NAMESPACE = 'regcomp:end-user-type:';

/**
 * A type's SID is derived from its machine name, never random, so it is the same on every
 * install and instance and a SID kept in a user's test fixtures stays valid.
 */
export function endUserTypeSid(machineName: string): string {
  return 'OY' + createHash('sha256').update(SID_NAMESPACE + machineName).digest('hex').slice(0, 32);
}

/** The End-User Types this server knows, in list order; loaded once at start, never changed. */
export class EndUserTypeCatalogue {
  private readonly bySid: ReadonlyMap<string, EndUserType>;
  private readonly byMachineName: ReadonlyMap<string, EndUserType>;

  constructor(readonly types: readonly EndUserType[]) {
    this.bySid = new Map(types.map((type) => [type.sid, type]));
    this.byMachineName = new Map(types.map((type) => [type.machineName, type]));
  }

  findBySid(sid: string): EndUserType | undefined {
    return this.bySid.get(sid);
  }

  findByMachineName(machineName: string): EndUserType | undefined {
    return this.byMachineName.get(machineName);
  }

  machineNames(): string[] {
    return [...this.byMachineName.keys()];
  }
}
