/**
 * A problem with input data, located as precisely as the format allows. The message always names
 * the file (or URL), and the row and column where they are known, so a user can fix the source.
 */
export class DataError extends Error {
  constructor(
    message: string,
    readonly where: {
      file: string;
      row?: number;
      column?: string;
      line?: number;
    } = {
      file: ''
    }
  ) {
    super(message);
    this.name = 'DataError';
  }
}

/** "file, row 3 (line 4), column "label"" - the location prefix of messages. */
export function locate(file: string, row?: string, column?: string): string {
  return [file, row, column === undefined ? undefined : `column "${column}"`]
    .filter(s => s !== undefined && s !== '')
    .join(', ');
}
