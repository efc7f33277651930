/**
 * A tiny well-formedness check for the SVG the benchmark charts write (no XML library in the repo):
 * tags balance and nest, attributes are quoted, text holds no raw `<` and only known entities.
 * Enough for hand-written SVG without comments, CDATA or doctype.
 */
const tagPattern = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
const entityPattern = /&(?:amp|lt|gt|quot|apos|#\d+);/y;

/** Returns null when well-formed, else what is wrong and where. */
export function wellFormedProblem(xml: string): string | null {
  const open: string[] = [];
  let i = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  let roots = 0;
  while (i < xml.length) {
    const c = xml[i];
    if (c === '<') {
      tagPattern.lastIndex = i;
      const tag = tagPattern.exec(xml);
      if (tag === null) return `bad tag at ${String(i)}: ${xml.slice(i, i + 40)}`;
      const [whole, closing, name = '', , selfClosing] = tag;
      if (closing === '/') {
        if (open.pop() !== name) return `</${name}> closes nothing open at ${String(i)}`;
      } else {
        if (open.length === 0) roots += 1;
        if (selfClosing !== '/') open.push(name);
      }
      i += whole.length;
    } else if (c === '&') {
      entityPattern.lastIndex = i;
      const entity = entityPattern.exec(xml);
      if (entity === null) return `bare & at ${String(i)}`;
      i += entity[0].length;
    } else {
      if (open.length === 0 && c !== undefined && !/\s/.test(c))
        return `text outside the root at ${String(i)}`;
      i += 1;
    }
  }
  if (open.length > 0) return `unclosed <${open.join('>, <')}>`;
  return roots === 1 ? null : `${String(roots)} root elements`;
}
