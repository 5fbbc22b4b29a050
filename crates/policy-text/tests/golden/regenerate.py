"""Regenerates the stage-H goldens with the pinned reference tools (a measuring aid only).

    NODE_PATH=tools/oracle-env/node_modules tools/oracle-env/venv/bin/python \
        crates/policy-text/tests/golden/regenerate.py      (from the repository root)

For every corpus page in tests/corpus/dev: Readability.js 0.3.0's article.content is written to
readable/NAME.html and html2text 2020.1.16's rendering of it (body_width=0, ignore_images) to
readable/NAME.md. For every snippet in snippets.html (blocks separated by lines '=== NAME'):
snippets/NAME.md is html2text's rendering. Tests compare our renderer with these files.
"""
import os, re, subprocess, sys, tempfile
import html2text

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
HDR = re.compile(r'<!--The following is the downloaded HTML source of the (\S+) privacy policy that was archived on '
                 r'(\d{4}-\d{2}-\d{2})\.\n Please check the original snapshot on the Wayback Machine \((\S+)\) '
                 r'for the most accurate reproduction\.-->\n\n')

def h2t(html):
    h = html2text.HTML2Text(); h.body_width = 0; h.ignore_images = True
    return h.handle(html)

def main():
    corpus = os.path.join(ROOT, 'tests', 'corpus', 'dev')
    out = os.path.join(HERE, 'readable'); os.makedirs(out, exist_ok=True)
    work = tempfile.mkdtemp()
    listing = []
    for name in sorted(os.listdir(corpus)):
        if not name.endswith('.html'):
            continue
        src = open(os.path.join(corpus, name), encoding='utf-8').read()
        m = HDR.match(src)
        page = os.path.join(work, name)
        open(page, 'w', encoding='utf-8').write(src[m.end():])
        listing.append(f'{page}\t{m.group(3)}\t{os.path.join(out, name)}\n')
    lst = os.path.join(work, 'list.tsv'); open(lst, 'w').writelines(listing)
    subprocess.run(['node', os.path.join(ROOT, 'tools', 'oracle', 'batch.js'), lst], check=True)
    for name in sorted(os.listdir(out)):
        if name.endswith('.html'):
            html = open(os.path.join(out, name), encoding='utf-8').read()
            open(os.path.join(out, name[:-5] + '.md'), 'w', encoding='utf-8').write(h2t(html))
    snippets = open(os.path.join(HERE, 'snippets.html'), encoding='utf-8').read()
    sdir = os.path.join(HERE, 'snippets'); os.makedirs(sdir, exist_ok=True)
    for block in re.split(r'^=== ', snippets, flags=re.M)[1:]:
        name, _, html = block.partition('\n')
        open(os.path.join(sdir, name.strip() + '.md'), 'w', encoding='utf-8').write(h2t(html))

if __name__ == '__main__':
    main()
