/** PAPER.md: sentence pairs are joined into one text before tokenising. */
export function joinPair(a: string, b: string): string {
  return `Sentence 1: ${a}; Sentence 2: ${b}`;
}
