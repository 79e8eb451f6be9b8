#!/usr/bin/env python3
"""A hostile PBX on 127.0.0.1 for the memory figures of issue 27 (bench/memory.sh).

    hostile_pbx.py KIND

prints `listening on http://127.0.0.1:PORT`, then serves until killed. Logins, logouts and
heartbeats succeed (Yeastar v2 in JSON; OpenVox v0.0.1 in XML when asked `type=xml`); what
else it answers depends on KIND:

    xml-listing   OpenVox's extensionlist/query: 32 MiB of XML, every item empty
    json-listing  yeastar-v2's extension/list: 29 MiB of JSON, 1,300,000 numbers
    query         yeastar-v2's extension/list names one number; extension/query answers
                  4 MiB of JSON, every record empty
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KIND = sys.argv[1]
MIB = 1 << 20


def xml_listing():
    head = b'<?xml version="1.0" encoding="UTF-8"?>\n<xml><status>Success</status><extlist>'
    tail = b"</extlist></xml>"
    item = b"<item></item>"
    return head + item * ((32 * MIB - len(head) - len(tail) - 64) // len(item)) + tail


def json_listing():
    items = ",".join('{"number":"%d"}' % (1_000_000 + i) for i in range(1_300_000))
    return ('{"status":"Success","extlist":[%s]}' % items).encode()


def query_answer():
    head, tail = b'{"status":"Success","extinfos":[', b"{}]}"
    return head + b"{}," * ((4 * MIB - len(head) - len(tail) - 64) // 3) + tail


BODIES = {}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        path = self.path.split("?")[0]
        xml = "type=xml" in self.path
        if path.endswith("/login"):
            body = {"status": "Success", "token": "bench-token"}
        elif path.endswith(("/logout", "/heartbeat")):
            body = {"status": "Success"}
        elif path.endswith("extensionlist/query") and KIND == "xml-listing":
            return self.send(BODIES.setdefault("x", xml_listing()))
        elif path.endswith("extension/list") and KIND == "json-listing":
            return self.send(BODIES.setdefault("j", json_listing()))
        elif path.endswith("extension/list"):
            body = {"status": "Success", "extlist": [{"number": "1001"}]}
        elif path.endswith("extension/query") and KIND == "query":
            return self.send(BODIES.setdefault("q", query_answer()))
        else:
            body = {"status": "Failed", "errno": "10003"}
        if xml:
            items = "".join(f"<{k}>{v}</{k}>" for k, v in body.items())
            self.send(f'<?xml version="1.0"?><xml>{items}</xml>'.encode())
        else:
            self.send(json.dumps(body).encode())

    def send(self, data):
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
