// node batch.js LIST_FILE  -> for each line "PAGE_FILE<TAB>DOCUMENT_URL<TAB>OUT_FILE" writes
// Readability 0.3.0's article.content (disableJSONLD, as the reference corpus) to OUT_FILE.
// Run with NODE_PATH=tools/oracle-env/node_modules. One process for many pages (jsdom start-up is slow).
const fs = require('fs');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');
const lines = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter(Boolean);
for (const line of lines) {
  const [file, url, out] = line.split('\t');
  let content = '';
  try {
    const dom = new JSDOM(fs.readFileSync(file, 'utf8'), { url, virtualConsole: new VirtualConsole() });
    const article = new Readability(dom.window.document, { disableJSONLD: true }).parse();
    content = article ? article.content : '';
  } catch (e) {
    content = '\u0000ORACLE-ERROR ' + e.message;
  }
  fs.writeFileSync(out, content);
}
