"""Regenerate the README's screenshots from a fresh demo: `make screenshots`.

Loads the demo into a temporary SQLite database, serves it on 127.0.0.1, and takes the pictures
with Debian's Chromium through Playwright.
"""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PORT = 8799
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "twoheads-demo"
SHOTS = [
    (
        "dashboard.png",
        "helen.carter@northwind.example",
        "/programmes/northwind-reverse-mentoring-2026/dashboard/",
    ),
    ("match-review.png", "helen.carter@northwind.example", "run_review"),
    ("participant-home.png", "aisha.khan@northwind.example", "/"),
]


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="twoheads-shots-")
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "TWOHEADS_DATA_DIR": data_dir,
        "DJANGO_SETTINGS_MODULE": "twoheads.settings",
    }
    env.pop("DATABASE_URL", None)
    twoheads = [sys.executable, "-m", "twoheads"]
    subprocess.run([*twoheads, "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([*twoheads, "seed_demo"], env=env, check=True)
    review = (
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from twoheads.pairing.models import MatchRun;"
                "r = MatchRun.objects.get(programme__name='Operations Leadership Cohort');"
                "print(r.get_absolute_url())",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    server = subprocess.Popen([*twoheads, "runserver", f"127.0.0.1:{PORT}", "--noreload"], env=env)
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{BASE}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            for name, email, path in SHOTS:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                page.goto(f"{BASE}/login/")
                page.get_by_label("Email").fill(email)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.goto(BASE + (review if path == "run_review" else path))
                page.screenshot(path=str(OUT / name), full_page=False)
                page.close()
                print(f"wrote {OUT / name}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
