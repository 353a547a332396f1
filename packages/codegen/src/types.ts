/** One generated file. */
export interface GeneratedFile {
  /** Path relative to the output folder, with `/` separators. */
  path: string;
  contents: string;
}
