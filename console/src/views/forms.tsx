import type { Api } from '../api.js';
import { page } from '../api.js';
import { useLoad } from '../hooks.js';
import { Field } from '../ui.js';

interface TypeRow {
  machine_name: string;
  friendly_name: string;
}

/** A select of a type catalogue (End-User Types, Supporting Document Types). */
export function TypePicker({ api, path, label, value, onChange }: { api: Api; path: string; label: string; value: string; onChange: (value: string) => void }) {
  const types = useLoad(() => page<TypeRow>(api, path, { PageSize: '1000' }), [path]);
  return (
    <Field label={label}>
      <select name="type" value={value} onChange={(e) => onChange(e.currentTarget.value)} required>
        {!types.data?.items.some((t) => t.machine_name === value) && <option value={value}>{value}</option>}
        {types.data?.items.map((t) => (
          <option key={t.machine_name} value={t.machine_name}>
            {t.friendly_name} ({t.machine_name})
          </option>
        ))}
      </select>
    </Field>
  );
}

export function AttributesInput({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <Field label="Attributes (JSON object)" hint='For example {"business_name": "Acme GmbH"}'>
      <textarea name="attributes" rows={4} value={value} onInput={(e) => onChange(e.currentTarget.value)} spellcheck={false} />
    </Field>
  );
}

export function parseAttributes(text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim() === '' ? '{}' : text);
  } catch {
    throw new Error('Attributes must be a JSON object, such as {"business_name": "Acme"}.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('Attributes must be a JSON object.');
  return parsed as Record<string, unknown>;
}
