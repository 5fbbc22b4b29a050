"""python batch.py IN_DIR OUT_DIR: the reference corpus pipeline over every X.html in IN_DIR.

Each X.html starts with the corpus comment header (domain, date, snapshot URL). Writes OUT_DIR/X.md
exactly as the Princeton-Leuven corpus would: header line, '# TITLE', html2text 2020.1.16
(body_width=0, ignore_images) of Readability.js 0.3.0's article.content. Same steps as
../shared/tools/oracle/oracle.py, batched so that thousands of pages take minutes, not hours.
Run with tools/oracle-env/venv/bin/python and NODE_PATH=tools/oracle-env/node_modules.
"""
import os, re, subprocess, sys, tempfile
import html2text
from bs4 import BeautifulSoup

HDR = re.compile(r'<!--The following is the downloaded HTML source of the (\S+) privacy policy that was archived on '
                 r'(\d{4}-\d{2}-\d{2})\.\n Please check the original snapshot on the Wayback Machine \((\S+)\) '
                 r'for the most accurate reproduction\.-->\n\n')

def main(in_dir, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    work = tempfile.mkdtemp(prefix='oracle-batch-')
    jobs, listing = [], []
    for name in sorted(os.listdir(in_dir)):
        if not name.endswith('.html'):
            continue
        src = open(os.path.join(in_dir, name), encoding='utf-8').read()
        m = HDR.match(src)
        if not m:
            continue
        domain, date, url = m.groups()
        page = src[m.end():]
        page_file = os.path.join(work, name)
        with open(page_file, 'w', encoding='utf-8') as f:
            f.write(page)
        readable_file = page_file + '.readable'
        listing.append(f'{page_file}\t{url}\t{readable_file}\n')
        jobs.append((name, domain, date, url, page, readable_file))
    list_file = os.path.join(work, 'list.tsv')
    with open(list_file, 'w', encoding='utf-8') as f:
        f.writelines(listing)
    subprocess.run(['node', os.path.join(os.path.dirname(os.path.abspath(__file__)), 'batch.js'), list_file], check=True)
    for name, domain, date, url, page, readable_file in jobs:
        readable = open(readable_file, encoding='utf-8').read()
        out = os.path.join(out_dir, name[:-len('.html')] + '.md')
        if readable.startswith('\u0000ORACLE-ERROR'):
            open(out + '.error', 'w').write(readable[1:])
            continue
        t = BeautifulSoup(page, 'lxml').find('title')
        title = re.sub(r'[ \t\n\f\r]+', ' ', t.get_text()).strip(' \t\n\f\r') if t else None
        h = html2text.HTML2Text(); h.body_width = 0; h.ignore_images = True
        with open(out, 'w', encoding='utf-8') as f:
            f.write(f"> *The following text is extracted and transformed from the {domain} privacy policy that was archived on {date}. "
                    f"Please check the [original snapshot on the Wayback Machine]({url}) for the most accurate reproduction.*\n\n"
                    f"# {title}\n\n" + h.handle(readable))

if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
