"""An intelligence source that fails in every way a real one can, one way per path prefix
(`/<mode>/<source>`), on raw sockets so that it can break HTTP itself. Used by the hostile-sources
campaign; each mode's answer is what `MODES` describes."""

import gzip
import json
import socket
import socketserver
import threading
import time

MIB = 1 << 20


def _reply(status, body, headers=(), content_type="application/json"):
    head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}", "Connection: close", *headers]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


GZIP_BOMB = gzip.compress(b"\0" * (256 * MIB), compresslevel=9)

# mode → (what it does, how its checks end: "failed", "done", or "children": failed where the source yields
# children; where it does not, the children are ignored)
MODES = {
    "timeout": ("reads the request and never answers", "failed"),
    "status-500": ("answers HTTP 500", "failed"),
    "reset": ("resets the connection after reading the request", "failed"),
    "big-body": ("answers 200 with a 10 MB body", "failed"),
    "huge-length": ("announces a 10 GB Content-Length, sends a little and stalls", "failed"),
    "gzip-bomb": ("answers 200 with gzip content that inflates to 256 MiB", "failed"),
    "trickle": ("sends its answer one byte a second", "failed"),
    "redirect-file": ("redirects to file:///etc/passwd", "failed"),
    "redirect-host": ("redirects to another host", "failed"),
    "invalid-json": ("answers 200 with broken JSON", "failed"),
    "unknown-facts": ("answers 200 with facts nobody defined (ignored)", "done"),
    "bad-ages": ("answers 200 with children aged -5 and 400", "children"),
    "many-children": ("answers 200 with 100,000 children", "children"),
    "huge-headers": ("answers 200 with a 1 MB header", "failed"),
}


class _Handler(socketserver.BaseRequestHandler):
    def handle(self):
        connection = self.request
        connection.settimeout(30)
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                chunk = connection.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0)
            while len(body) < length:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                body += chunk
            mode = head.split(b" ")[1].decode().strip("/").split("/")[0]
            self.server.requests[mode] = self.server.requests.get(mode, 0) + 1
            self.answer(connection, mode)
        except OSError:
            pass

    def answer(self, connection, mode):
        send = connection.sendall
        if mode == "timeout":
            time.sleep(30)
        elif mode == "status-500":
            send(_reply("500 Internal Server Error", b'{"error": "down"}'))
        elif mode == "reset":
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        elif mode == "big-body":
            send(_reply("200 OK", b'{"summary": "' + b"x" * (10 * MIB) + b'"}'))
        elif mode == "huge-length":
            send(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10737418240\r\n\r\n{\"facts\": {")
            time.sleep(30)
        elif mode == "gzip-bomb":
            send(_reply("200 OK", GZIP_BOMB, headers=["Content-Encoding: gzip"]))
        elif mode == "trickle":
            answer = _reply("200 OK", b'{"summary": "slow"}')
            for byte in answer:
                send(bytes([byte]))
                time.sleep(1)
        elif mode == "redirect-file":
            send(_reply("302 Found", b"", headers=["Location: file:///etc/passwd"]))
        elif mode == "redirect-host":
            send(_reply("302 Found", b"", headers=["Location: http://192.0.2.1/subscriber"]))
        elif mode == "invalid-json":
            send(_reply("200 OK", b'{"facts": {"childAccessHousehold": "yes"'))
        elif mode == "unknown-facts":
            send(_reply("200 OK", json.dumps({"facts": {"inventedFact": "yes", "anotherOne": "no"}}).encode()))
        elif mode == "bad-ages":
            send(_reply("200 OK", json.dumps({"children": [{"age": -5, "relation": "household"}, {"age": 400, "relation": "household"}]}).encode()))
        elif mode == "many-children":
            send(_reply("200 OK", json.dumps({"children": [{"age": 1}] * 100_000}, separators=(",", ":")).encode()))
        elif mode == "huge-headers":
            send(_reply("200 OK", b"{}", headers=["X-Padding: " + "p" * MIB]))
        else:
            send(_reply("404 Not Found", b'{"error": "no such mode"}'))


class HostileSource(socketserver.ThreadingTCPServer):
    """Serves every mode on a free loopback port in a background thread; `requests` counts each mode's."""
    daemon_threads = True
    request_queue_size = 1024
    allow_reuse_address = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.requests = {}
        self.base = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()
