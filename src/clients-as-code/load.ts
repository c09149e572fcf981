// Reads a clients file by its extension: .tf / .hcl (Terraform), .json, .yaml / .yml (Hydra
// OAuth2Client documents). The readers throw SourceError; here it becomes an error value.
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { err, ok, type Result } from '../shared/result.ts';
import type { DesiredClient } from './client-fields.ts';
import { readDocuments } from './documents.ts';
import { SourceError } from './source-error.ts';
import { readTerraform } from './terraform.ts';

export interface LoadError {
  code: 'file_unreadable' | 'unsupported_format' | 'invalid_source';
  /** "file:line: what" ready to print. */
  message: string;
  file: string;
  line?: number;
}

export type ClientFileFormat = 'terraform' | 'documents';

export function formatOf(path: string): ClientFileFormat | undefined {
  const ext = extname(path).toLowerCase();
  if (ext === '.tf' || ext === '.hcl') return 'terraform';
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') return 'documents';
  return undefined;
}

/** Parses clients from source text; `file` is only used in messages and to choose the format. */
export function parseClients(file: string, src: string, vars: Readonly<Record<string, string>> = {}): Result<DesiredClient[], LoadError> {
  const format = formatOf(file);
  if (!format) {
    return err({ code: 'unsupported_format', file, message: `${file}: unsupported file type (use .tf, .hcl, .json, .yaml or .yml)` });
  }
  try {
    return ok(format === 'terraform' ? readTerraform(file, src, vars) : readDocuments(file, src));
  } catch (e) {
    if (e instanceof SourceError) return err({ code: 'invalid_source', file: e.file, line: e.line, message: e.message });
    // Recursive descent on absurdly nested input can exhaust the stack: still just a bad file.
    if (e instanceof RangeError) return err({ code: 'invalid_source', file, message: `${file}: expressions nested too deeply` });
    throw e;
  }
}

export async function loadClientsFile(path: string, vars: Readonly<Record<string, string>> = {}): Promise<Result<DesiredClient[], LoadError>> {
  let src: string;
  try {
    src = await readFile(path, 'utf8');
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    return err({ code: 'file_unreadable', file: path, message: `${path}: cannot read the file: ${reason}` });
  }
  return parseClients(path, src, vars);
}
