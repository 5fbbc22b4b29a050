"""python bench_python.py DIR [REPEAT | --serve]: the Python pipeline the corpus style comes from, timed.

For every X.html in DIR (corpus comment header stripped): readability-lxml's Document(page).summary()
(the PyPI Readability implementation) then html2text 2020.1.16 (body_width=0, ignore_images), on one
core, REPEAT passes after one warm-up pass, each timed. Prints one line (BYTES of UTF-8 per pass,
then the seconds of each pass):
    python-pipeline: BYTES bytes per pass, passes S1 S2 ...
With --serve (how `crawler bench convert` runs it, to pair each of its passes with passes of our
own), it prints `python-pipeline: PAGES pages, BYTES bytes per pass, ready` after the warm-up, then
answers each `pass` line on stdin with the seconds of one timed pass, until stdin closes.
Run with tools/oracle-env/venv/bin/python (tools/setup-oracle.sh installs it).
"""
import os, re, sys, time
import html2text
from readability import Document

HDR = re.compile(r'<!--The following is the downloaded HTML source of .*?-->\n\n', re.S)

def main(directory, repeat):
    pages = []
    for name in sorted(os.listdir(directory)):
        if name.endswith('.html'):
            text = open(os.path.join(directory, name), encoding='utf-8', errors='replace').read()
            m = HDR.match(text)
            pages.append(text[m.end():] if m else text)
    def one_pass():
        for page in pages:
            h = html2text.HTML2Text(); h.body_width = 0; h.ignore_images = True
            h.handle(Document(page).summary())
    one_pass()
    per_pass = sum(len(p.encode('utf-8')) for p in pages)
    if repeat is None:
        print(f"python-pipeline: {len(pages)} pages, {per_pass} bytes per pass, ready", flush=True)
        for line in sys.stdin:
            if line.strip() != 'pass':
                break
            start = time.perf_counter()
            one_pass()
            print(f"{time.perf_counter() - start:.6f}", flush=True)
        return
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        one_pass()
        seconds.append(time.perf_counter() - start)
    print(f"python-pipeline: {per_pass} bytes per pass, passes " + " ".join(f"{s:.6f}" for s in seconds))

if __name__ == '__main__':
    arg = sys.argv[2] if len(sys.argv) > 2 else '3'
    main(sys.argv[1], None if arg == '--serve' else int(arg))
