import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A REGULATIONS_FILE (replace mode) with one regulation asking only for `field` of
 * End-User Type `type`: what a server needs beside an END_USER_TYPES_FILE that drops or
 * changes the types the built-in regulations name (their references are checked at start).
 */
export function regulationsFileFor(type: string, field: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'regcomp-regulations-'));
  const file = path.join(dir, 'regulations.json');
  const regulation = {
    friendly_name: 'Testland: Local - Business',
    iso_country: 'TL',
    number_type: 'local',
    end_user_type: 'business',
    requirements: {
      end_user: [{ name: type, type, requirement_name: `${type}_info`, detailed_fields: [{ machine_name: field, friendly_name: field }] }],
      supporting_document: [],
    },
  };
  fs.writeFileSync(file, JSON.stringify({ mode: 'replace', regulations: [regulation] }));
  return file;
}
