#!/usr/bin/env python3
"""A mock OpenAI-compatible server for benchmarks: waits LATENCY seconds, then replays a
recorded SSE body (tests/fixtures/llm/openai-stream.sse) in small chunks.

    benches/mock_llm.py PORT [LATENCY_SECONDS]
"""
import http.server
import pathlib
import socketserver
import sys
import time

BODY = (pathlib.Path(__file__).parent.parent / "tests/fixtures/llm/openai-stream.sse").read_bytes()
LATENCY = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        self.rfile.read(int(self.headers.get("content-length", 0)))
        time.sleep(LATENCY)
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("content-length", str(len(BODY)))
        self.end_headers()
        for i in range(0, len(BODY), 512):
            self.wfile.write(BODY[i : i + 512])
            self.wfile.flush()

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    # The default backlog (5) drops simultaneous connections, which then wait 1 s for a SYN retry.
    request_queue_size = 64


Server(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
