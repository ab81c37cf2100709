"""Make `docs/app.png`, the README's picture of the app, from the app as it is now.

    python scripts/screenshot_app.py              # docs/app.png
    python scripts/screenshot_app.py --out x.png  # elsewhere

Starts `awd serve --no-train` (the shipped models; a `models/` directory's own win, as with `make app`) on a free
port, opens it in Debian's chromium through Playwright (as `tests/test_browser.py` does), asks the Headlines tab for
ten seeded headlines and saves the page. Needs `/usr/bin/chromium` (`apt-get install chromium`) and the dev extras.
"""
import argparse, os, re, socket, subprocess, sys, tempfile, time, urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path('/usr/bin/chromium')
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking']

def free_port()->int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

def wait_for(url:str, proc:subprocess.Popen, log:Path, timeout:float=180):
    "Wait until the app answers at `url`; stop with its log if it exits first"
    t0 = time.time()
    while time.time() - t0 < timeout:
        if proc.poll() is not None: sys.exit(f"the app stopped before it served the page:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2): return
        except OSError: time.sleep(0.5)
    sys.exit(f"the app did not answer at {url} within {timeout:.0f} s:\n{log.read_text()[-2000:]}")

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--out', default=str(ROOT/'docs'/'app.png'), help='the PNG to write (default: docs/app.png)')
    p.add_argument('--prompt', default='Why you should', help="the Headlines tab's start (default: 'Why you should')")
    p.add_argument('--seed', type=int, default=1, help='the seed of the ten headlines (default: 1)')
    a = p.parse_args(argv)
    out = Path(a.out)
    if out.suffix.lower() != '.png': p.error(f"--out must be a .png file, not {a.out!r}")
    if not out.parent.is_dir(): p.error(f"--out: no directory {str(out.parent)!r}")
    if not CHROMIUM.exists(): p.error(f"no {CHROMIUM}: apt-get install chromium (as .ci/run does)")
    from playwright.sync_api import sync_playwright, expect

    port = free_port()
    url = f'http://127.0.0.1:{port}/'
    awd = Path(sys.executable).parent/'awd'
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp)/'app.log'
        env = {**os.environ, 'GRADIO_ANALYTICS_ENABLED': 'False'}
        with open(log, 'w') as f:
            proc = subprocess.Popen([str(awd), 'serve', '--no-train', '--port', str(port)], cwd=ROOT, env=env,
                                    stdout=f, stderr=subprocess.STDOUT)
        try:
            wait_for(url, proc, log)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
                page = browser.new_page(viewport={'width': 1280, 'height': 860})
                page.set_default_timeout(60_000)
                page.goto(url)
                page.locator('#headlines-prompt textarea').fill(a.prompt)
                seed = page.get_by_label('Seed (-1: random)')
                seed.fill(str(a.seed)); seed.press('Tab')
                page.locator('#headlines-generate').click()
                expect(page.locator('#headlines-out textarea')).to_have_value(re.compile(r'^[^\n]+(\n[^\n]+){9}$'))
                expect(page.locator('#headlines-settings')).to_contain_text(f'Seed {a.seed}')
                page.locator('#headlines-prompt textarea').blur()
                time.sleep(0.5) # the copy buttons and fonts settle
                tmp_png = Path(tmp)/'app.png'
                page.screenshot(path=str(tmp_png))
                browser.close()
            out.write_bytes(tmp_png.read_bytes())
        finally:
            proc.terminate()
            try: proc.wait(10)
            except subprocess.TimeoutExpired: proc.kill()
    print(f"{out}: {out.stat().st_size/1e3:.0f} kB")

if __name__ == '__main__': main()
