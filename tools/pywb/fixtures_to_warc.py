"""Writes a fake-wayback fixture folder (captures.toml + bodies) as a gzipped WARC of response
records, so pywb serves the very captures our own local archive serves.

Usage: python fixtures_to_warc.py FIXTURE_DIR OUT.warc.gz
"""
import sys
import tomllib
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found", 500: "Internal Server Error"}


def iso(ts):
    return f"{ts[0:4]}-{ts[4:6]}-{ts[6:8]}T{ts[8:10]}:{ts[10:12]}:{ts[12:14]}Z"


def main(fixtures, out):
    fixtures = Path(fixtures)
    index = tomllib.loads((fixtures / "captures.toml").read_text(encoding="utf-8"))
    with open(out, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for capture in index.get("capture", []):
            body = (fixtures / capture["body"]).read_bytes() if capture.get("body") else b""
            status = capture.get("status", 200)
            headers = dict(capture.get("headers", {}))
            if not any(k.lower() == "content-type" for k in headers):
                headers["Content-Type"] = capture.get("mimetype", "text/html")
            if capture.get("location"):
                headers["Location"] = capture["location"]
            headers["Content-Length"] = str(len(body))
            http = StatusAndHeaders(f"{status} {REASONS.get(status, 'Status')}", list(headers.items()), protocol="HTTP/1.1")
            record = writer.create_warc_record(
                capture["url"], "response", payload=BytesIO(body), http_headers=http,
                warc_headers_dict={"WARC-Date": iso(capture["timestamp"])})
            writer.write_record(record)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
