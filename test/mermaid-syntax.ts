/**
 * A strict check of the subset of Mermaid's flowchart grammar our page generators write (no Mermaid parser runs
 * in Node without a DOM): the header, subgraph/end pairs whose id matches `subgraphId`, node declarations
 * `id["label"]`, arrows `id -->|"label"| id` and `id -.->|"label"| id`, classDef/class lines; labels contain no
 * raw `"`; every arrow end and class member is a declared node, and no node is declared twice.
 */
export function checkMermaidFlowchart(text: string, subgraphId: string): void {
  const lines = text.split('\n');
  expect(lines[0]).toBe('flowchart LR');
  const ids = new Set<string>();
  const used: string[] = [];
  let depth = 0;
  const label = '"[^"\\n]*"';
  for (const raw of lines.slice(1)) {
    const line = raw.trim();
    let m: RegExpMatchArray | null;
    if (new RegExp(`^subgraph ${subgraphId}\\[${label}\\]$`).test(line)) { depth++; continue; }
    if (line === 'end') { depth--; expect(depth).toBeGreaterThanOrEqual(0); continue; }
    if ((m = line.match(new RegExp(`^(n\\d+)\\[${label}\\]$`)))) { expect(ids.has(m[1])).toBe(false); ids.add(m[1]); continue; }
    if ((m = line.match(new RegExp(`^(n\\d+) (-->|-\\.->)\\|${label}\\| (n\\d+)$`)))) { used.push(m[1], m[3]); continue; }
    if (/^classDef [a-z]+ [a-z-]+:[#a-z0-9]+(,[a-z-]+:[#a-z0-9 ]+)*$/.test(line)) continue;
    if ((m = line.match(/^class ((?:n\d+,)*n\d+) [a-z]+$/))) { used.push(...m[1].split(',')); continue; }
    throw new Error(`not in the generated Mermaid grammar: ${raw}`);
  }
  expect(depth).toBe(0);
  expect(used.filter((id) => !ids.has(id))).toEqual([]);
}
