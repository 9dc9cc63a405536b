"""Starts scripts/fake_services.py on a free loopback port for a test and stops it."""

import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

SOURCE = os.environ.get("THD_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(SOURCE, "scripts", "fake_services.py")


class FakeServer:
    def __init__(self, latency_ms=0):
        self._dir = tempfile.TemporaryDirectory(prefix="thd-fake-")
        port_file = os.path.join(self._dir.name, "port")
        argv = [sys.executable, SCRIPT, "--port", "0", "--port-file", port_file]
        if latency_ms:
            argv += ["--latency-ms", str(latency_ms)]
        self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 10
        while not os.path.exists(port_file):
            if time.time() > deadline or self.proc.poll() is not None:
                raise RuntimeError("fake services did not start")
            time.sleep(0.02)
        with open(port_file) as f:
            self.port = int(f.read().strip())
        self.base = "http://127.0.0.1:%d" % self.port

    def url(self, service, path):
        return "%s/%s%s" % (self.base, service, path)

    def _post(self, path, body):
        req = urllib.request.Request(self.base + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            return json.loads(r.read() or b"{}")

    def fault(self, **spec):
        return self._post("/__fault", spec)

    def reset(self):
        return self._post("/__reset", {})

    def stats(self):
        with urllib.request.urlopen(self.base + "/__stats", timeout=5) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self._dir.cleanup()
