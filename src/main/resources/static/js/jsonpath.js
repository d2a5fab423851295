// Where in the editor's text a field path such as layers[4].layers[1].groups lies: a small JSON
// reader that records the [start, end) offsets of every value by its path.
export function locations(text) {
  const map = new Map();
  let i = 0;
  const ws = () => { while (i < text.length && /\s/.test(text[i])) i++; };
  const str = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = (path) => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') i++;
      else for (;;) {
        ws();
        const key = str();
        ws(); i++; // ':'
        value(path ? `${path}.${key}` : key);
        ws();
        if (text[i++] !== ',') break;
      }
    } else if (c === '[') {
      i++; ws();
      if (text[i] === ']') i++;
      else for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i++] !== ',') break;
      }
    } else if (c === '"') str();
    else while (i < text.length && /[^\s,\]}]/.test(text[i])) i++;
    map.set(path, [start, i]);
  };
  try { value(''); } catch (e) { /* a broken text: keep what was found */ }
  return map;
}

/** The longest prefix of a problem's field that names a place in the text, and the layer in it. */
export function locate(text, field) {
  const map = locations(text);
  const parts = String(field || '').match(/[^.[\]]+|\[\d+\]/g) || [];
  let path = '';
  let found = null;
  let layer = null;
  for (const p of parts) {
    path = p.startsWith('[') ? `${path}${p}` : path ? `${path}.${p}` : p;
    if (!map.has(path)) break;
    found = { path, range: map.get(path) };
    if (/layers\[\d+\]$/.test(path)) layer = found;
  }
  return { found, layer };
}

export function lineOf(text, offset) {
  return text.slice(0, offset).split('\n').length;
}
