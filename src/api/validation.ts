/**
 * Plain-words messages for request validation: JSON-schema (AJV) errors from Fastify's
 * built-in validation, and settings values checked by the config schema itself (so
 * the dashboard accepts exactly what the config file accepts, with the same words).
 */
import type { FastifySchemaValidationError } from 'fastify';
import type * as z from 'zod';
import { formatPath } from '../config/format.js';
import type { Problem } from './errors.js';

/** Which part of the request failed validation (Fastify's `validationContext`). */
export type SchemaErrorDataVar = 'body' | 'headers' | 'params' | 'querystring';

/** `/tiers/0/within` → `tiers[0].within`. */
function pathOf(instancePath: string, extra?: unknown): string {
  const segs: Array<string | number> = instancePath.split('/').slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (typeof extra === 'string') segs.push(extra);
  return formatPath(segs);
}

const WHERE: Record<SchemaErrorDataVar, string> = { body: 'the body', querystring: 'the query', params: 'the path', headers: 'the headers' };

const TYPE_WORDS: Record<string, string> = {
  integer: 'a whole number', number: 'a number', string: 'text', boolean: 'true or false', array: 'a list', object: 'an object', null: 'empty',
};
const COMPARISON: Record<string, string> = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' };

/** One AJV error in plain words. */
function describe(e: FastifySchemaValidationError, where: string): Problem {
  const p = e.params;
  switch (e.keyword) {
    case 'required': {
      const path = pathOf(e.instancePath, p.missingProperty);
      return { path, message: 'is required' };
    }
    case 'additionalProperties': {
      const path = pathOf(e.instancePath);
      return { path, message: `unknown field ${JSON.stringify(String(p.additionalProperty))}${path ? '' : ` in ${where}`}` };
    }
    case 'enum':
      return { path: pathOf(e.instancePath), message: `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}` };
    case 'type': {
      const words = String(p.type).split(',').map((x) => TYPE_WORDS[x] ?? x).join(' or ');
      return { path: pathOf(e.instancePath), message: `must be ${words}` };
    }
    case 'minimum': case 'maximum': case 'exclusiveMinimum': case 'exclusiveMaximum':
      return { path: pathOf(e.instancePath), message: `must be ${COMPARISON[String(p.comparison)] ?? String(p.comparison)} ${String(p.limit)}` };
    case 'maxLength':
      return { path: pathOf(e.instancePath), message: `must be at most ${String(p.limit)} characters` };
    case 'minLength':
      return { path: pathOf(e.instancePath), message: Number(p.limit) === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters` };
    case 'maxItems':
      return { path: pathOf(e.instancePath), message: `must have at most ${String(p.limit)} entries` };
    case 'minItems':
      return { path: pathOf(e.instancePath), message: `must have at least ${String(p.limit)} entries` };
    case 'pattern':
      return { path: pathOf(e.instancePath), message: 'has characters that are not allowed here' };
    default:
      return { path: pathOf(e.instancePath), message: e.message ?? 'is not valid' };
  }
}

/** Fastify's validation errors (one per bad field with `allErrors`) as problems. */
export function formatValidation(errors: readonly FastifySchemaValidationError[], ctx: string | undefined): Problem[] {
  const where = WHERE[(ctx ?? 'body') as SchemaErrorDataVar] ?? 'the request';
  return errors.map((e) => {
    const d = describe(e, where);
    return d.path === '' && e.keyword !== 'additionalProperties' ? { path: '', message: `${where} ${d.message}` } : d;
  });
}

/**
 * Problems from a config-schema parse of `{ section: value }`, with the section prefix
 * (`policy.`, `networks.`) removed so paths name the fields the request sent.
 */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], section: string): Problem[] {
  return issues.map((iss) => {
    const path = iss.path[0] === section ? iss.path.slice(1) : iss.path;
    return { path: formatPath(path), message: iss.message.replace(/\s*[\r\n]+\s*/g, ' ') };
  });
}
