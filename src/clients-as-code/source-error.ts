// One error type for every input reader (HCL, JSON, YAML): where (file, line) and what. Thrown inside the reader
// and turned into a Result value at its boundary (./load.ts).
export class SourceError extends Error {
  readonly file: string;
  readonly line: number;
  readonly detail: string;

  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'SourceError';
    this.file = file;
    this.line = line;
    this.detail = detail;
  }
}
