// Validates objects against the openAPIV3Schema of their CRD (lib/constructs/crds), the way
// the API server would: required fields, enums, types, and no field the schema doesn't know
// (the server would silently prune it, so an unknown field is a bug in a construct).
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const crdDir = new URL('../../lib/constructs/crds/', import.meta.url).pathname;

/** Closes every object schema that the server closes (structural schemas prune unknown fields). */
function closed(schema: any): any {
  if (Array.isArray(schema)) return schema.map(closed);
  if (!schema || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'enum' || k === 'default' ? v : closed(v);
  if (out.nullable) {
    delete out.nullable;
    return { anyOf: [{ type: 'null' }, out] };
  }
  if (out.type === 'object' && out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

export function crdValidators(): Map<string, ValidateFunction> {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addFormat('int32', true).addFormat('int64', true).addFormat('byte', true);
  const validators = new Map<string, ValidateFunction>();
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.json'))) {
    const crd = JSON.parse(readFileSync(join(crdDir, file), 'utf8'));
    for (const version of crd.spec.versions) {
      const schema = closed(version.schema.openAPIV3Schema);
      // metadata is checked by the server's own rules, not by the CRD schema.
      schema.properties.metadata = { type: 'object' };
      validators.set(`${crd.spec.group}/${version.name}/${crd.spec.names.kind}`, ajv.compile(schema));
    }
  }
  return validators;
}

export function validatorFor(validators: Map<string, ValidateFunction>, obj: { apiVersion: string; kind: string }) {
  return validators.get(`${obj.apiVersion}/${obj.kind}`);
}
