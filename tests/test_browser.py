"The app in a real browser: Playwright driving Debian's chromium (installed by .ci/run with apt-get)."
from pathlib import Path
import pytest

CHROMIUM = Path('/usr/bin/chromium')
NO_CHROMIUM = 'no /usr/bin/chromium: apt-get install chromium (as .ci/run does)'
pytestmark = [pytest.mark.slow, pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)]
ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync']

@pytest.fixture
def page(tmp_path):
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS) # a fresh temporary profile
        page = browser.new_page(viewport={'width': 1280, 'height': 1000})
        page.set_default_timeout(30_000)
        yield page
        browser.close()

def generate(page, tab:str, prompt_id:str, prompt:str, n:int)->list[str]:
    "Fill a generator tab's prompt and count, click Generate, and read back the texts once they are there"
    from playwright.sync_api import expect
    page.locator(f'#{prompt_id} textarea').fill(prompt)
    count = page.locator(f'#{tab}-n input[type=number]')
    count.fill(str(n))
    count.press('Enter')
    page.locator(f'#{tab}-generate').click()
    out = page.locator(f'#{tab}-out textarea')
    expect(out).not_to_have_value('')
    return out.input_value().splitlines()

def test_generate_headlines_in_browser(page, app_url, tmp_path):
    "Fill the Headlines form, click Generate, read back the requested number of headlines; save a screenshot"
    from playwright.sync_api import expect
    page.goto(app_url)
    lines = generate(page, 'headlines', 'headlines-prompt', 'New study', 5)
    assert len(lines) == 5 and all(l.startswith('New study') for l in lines), lines
    page.screenshot(path=tmp_path/'app.png', full_page=True)
    assert (tmp_path/'app.png').stat().st_size > 10_000

def test_bad_input_shows_message(page, app_url):
    "A too-long prompt shows the app's error message on the page, and the form still works afterwards"
    from playwright.sync_api import expect
    page.goto(app_url)
    page.locator('#headlines-prompt textarea').fill('x'*300)
    page.locator('#headlines-generate').click()
    expect(page.get_by_text('the prompt is 300 characters long; the app takes at most 200').first).to_be_visible()
    page.locator('#headlines-prompt textarea').fill('Flu')
    page.locator('#headlines-generate').click()
    expect(page.locator('#headlines-out textarea')).to_have_value(__import__('re').compile('^Flu'))

def test_names_and_classify_in_browser(page, app_url, tmp_path):
    "Names tab: Russian names starting with K, with the origin classifier's table; Classify tab: a label per classifier"
    import re
    from playwright.sync_api import expect
    page.goto(app_url)
    page.get_by_role('tab', name='Names').click()
    names = generate(page, 'names', 'names-start', 'K', 4)
    assert len(names) == 4 and all(x.startswith('K') for x in names), names
    expect(page.locator('#names-origins')).to_contain_text(names[0])
    page.get_by_role('tab', name='Classify').click()
    page.locator('#classify-text textarea').fill('Nakamura')
    page.locator('#classify-button').click()
    expect(page.locator('#classify-sentiment')).to_contain_text(re.compile('fresh|rotten'))
    expect(page.locator('#classify-origin')).to_contain_text('%')
    page.screenshot(path=tmp_path/'classify.png', full_page=True)
