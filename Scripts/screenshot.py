"""Drives a real headless Chromium over the DevTools protocol: signs in through Vigil's sign-in form,
then saves full-page PNG screenshots of pages (or, for a name ending in .pdf, the page as the browser
prints it). Usage:
    screenshot.py CHROMIUM BASE_URL TOKEN OUT_DIR name=/path [name.pdf=/path ...]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import base64

import websocket  # websocket-client, installed by screenshot.sh


class Page:
    def __init__(self, url):
        self.ws = websocket.create_connection(url, timeout=60)
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def wait_for(self, event, timeout=30):
        deadline = time.time() + timeout
        while time.time() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("method") == event:
                return message
        raise TimeoutError(event)

    def open(self, url):
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def screenshot(self, path, width):
        height = int(self.call("Page.getLayoutMetrics")["cssContentSize"]["height"])
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)["data"]
        with open(path, "wb") as out:
            out.write(base64.b64decode(data))


def main():
    chromium, base, token, out_dir, *pages = sys.argv[1:]
    profile = tempfile.mkdtemp(prefix="vigil-chromium-")
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "--window-size=1400,1000", "about:blank"],
        stderr=subprocess.PIPE, text=True)
    try:
        endpoint = None
        for line in browser.stderr:
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                endpoint = match.group(1)
                break
        if endpoint is None:
            raise RuntimeError("Chromium did not start its DevTools endpoint")
        port = re.search(r":(\d+)/", endpoint).group(1)
        import urllib.request
        targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        page = Page(next(t for t in targets if t["type"] == "page")["webSocketDebuggerUrl"])
        page.call("Page.enable")
        page.call("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1, mobile=False)
        page.open(base + "/sign-in")
        page.call("Runtime.evaluate", expression=(
            f"document.querySelector('input[name=token]').value = {json.dumps(token)};"
            "document.querySelector('form[action=\"/sign-in\"]').submit();"))
        page.wait_for("Page.loadEventFired")
        signed_in = page.call("Runtime.evaluate", expression="document.querySelector('.who') !== null")["result"]["value"]
        if not signed_in:
            raise RuntimeError("the sign-in form did not start a session")
        for spec in pages:
            name, path = spec.split("=", 1)
            page.call("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1, mobile=False)
            page.open(base + path)
            if name.endswith(".pdf"):
                target = os.path.join(out_dir, name)
                with open(target, "wb") as out:
                    out.write(base64.b64decode(page.call("Page.printToPDF", printBackground=False)["data"]))
            else:
                target = os.path.join(out_dir, name + ".png")
                page.screenshot(target, 1400)
            print(f"saved {target} ({base}{path})")
    finally:
        browser.terminate()
        browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
