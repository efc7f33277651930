#!/usr/bin/env python3
"""A Switchboard backend in Python's standard library only (http.server and urllib).

It shows that the backend protocol is plain HTTP: every WebSocket event arrives as a POST with the
connection id in the x-switchboard-connection-id header, a two-way route answers in the response
body, and a push later is one POST to the management API (x-switchboard-management-url).

  /usr/bin/python3 backend.py --port 3000      (--port 0 picks a free port)

It prints one line per event on stdout ("listening on http://127.0.0.1:PORT" first).
"""
import argparse
import json
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def log(line):
    print(line, flush=True)


def push(management_url, connection_id, text):
    """POST /{stage}/@connections/{id}: what the AWS SDKs' PostToConnection does."""
    url = management_url + "/@connections/" + urllib.parse.quote(connection_id, safe="")
    request = urllib.request.Request(url, data=text.encode("utf-8"), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            log("pushed %s %d" % (connection_id, response.status))
    except urllib.error.HTTPError as error:  # 410: the client has gone
        log("push failed %s %d" % (connection_id, error.code))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the gateway pools connections

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length)
        connection_id = self.headers.get("x-switchboard-connection-id", "")
        path = urllib.parse.urlsplit(self.path).path
        if path == "/connect":
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            if query.get("reject"):
                log("refused %s" % connection_id)
                return self.answer(403, b'{"message":"not welcome"}', "application/json")
            log("connect %s" % connection_id)
            return self.answer(200, b"")
        if path == "/disconnect":
            log("disconnect %s %s" % (connection_id, self.headers.get("x-switchboard-disconnect-status-code", "")))
            return self.answer(200, b"")
        if path == "/message":  # $default, two-way: the response body is the client's reply
            log("message %s" % connection_id)
            return self.answer(200, b"python says: " + body, "text/plain; charset=utf-8")
        if path == "/shout":  # one-way route "shout": answer now, push the result later
            try:
                data = str(json.loads(body).get("data", ""))
            except (ValueError, AttributeError):
                return self.answer(400, b'{"message":"expected {\\"action\\":\\"shout\\",\\"data\\":\\"...\\"}"}', "application/json")
            management_url = self.headers.get("x-switchboard-management-url", "")
            threading.Thread(target=push, args=(management_url, connection_id, data.upper()), daemon=True).start()
            return self.answer(202, b"")
        return self.answer(404, b'{"message":"not found"}', "application/json")

    def answer(self, status, body, content_type=None):
        self.send_response(status)
        if content_type:
            self.send_header("content-type", content_type)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # keep stdout to one line per event
        pass


def main():
    parser = argparse.ArgumentParser(description="Switchboard backend in Python's standard library")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    log("listening on http://%s:%d" % (args.host, server.server_address[1]))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
