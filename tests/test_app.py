"The Gradio app over tiny models, through gradio_client against a server on a free port, as a client sees it."
from concurrent.futures import ThreadPoolExecutor
import pytest
from gradio_client import Client
from toolkit.app import MAX_APP_N, ORIGIN_COLS, DEFAULT_MODELS
from toolkit.data import load_corpus

CATS = sorted(load_corpus('names').origin.unique())

@pytest.fixture(scope='module')
def client(app_url): return Client(app_url, verbose=False)

def test_headlines_endpoint(client):
    "/headlines returns the requested number of headlines, each starting with the prompt, 4 to 15 words"
    out = client.predict('New study', 7, 0.8, 0.9, 4, 15, 0, api_name='/headlines')
    lines = out.splitlines()
    assert len(lines) == 7 and all(l.startswith('New study') for l in lines)
    assert all(len(l.split()) <= 15 for l in lines)

def test_headlines_seeded(client):
    "The same seed gives the same headlines through the API"
    args = ('', 5, 1.0, 1.0, 0, 20, 123)
    assert client.predict(*args, api_name='/headlines') == client.predict(*args, api_name='/headlines')

def test_names_endpoint(client):
    "/names returns names of the origin that start with the given letters, and the origin classifier's view of each"
    names, table = client.predict('K', 6, 0.8, 1, 'Japanese', api_name='/names')
    lines = names.splitlines()
    assert len(lines) == 6 and all(l.startswith('K') for l in lines)
    assert table['headers'] == ORIGIN_COLS
    assert [r[0] for r in table['data']] == lines
    assert all(0 <= r[1] <= 1 and 0 < r[3] <= 1 and r[2] in CATS for r in table['data'])

@pytest.mark.parametrize('origin, msg', [('', 'choose an origin: one of Arabic'), ('Klingon', "unknown category 'Klingon'")])
def test_names_bad_origin(origin, msg, app_models):
    "An empty or unknown origin is a clear error (through the handler: the dropdown itself only offers the origins)"
    from toolkit.app import Handlers
    with pytest.raises(Exception, match=msg): Handlers(app_models).names('K', 3, 0.8, 1, origin)

def test_classify_endpoint(client):
    "/classify gives each loaded classifier's probabilities for a text"
    origin, sentiment, outlet = client.predict('Nakamura', api_name='/classify')
    assert {c['label'] for c in origin['confidences']} <= set(CATS) and origin['label'] in CATS
    assert {c['label'] for c in sentiment['confidences']} == {'fresh', 'rotten'}
    assert abs(sum(c['confidence'] for c in sentiment['confidences']) - 1) < 1e-4
    assert len(outlet['confidences']) == 5 # the five most likely of the outlets

@pytest.mark.parametrize('text, msg', [('   ', 'enter a text to classify'), ('x'*10_000, 'the text is 10,000 characters long')])
def test_classify_bad_input(client, text, msg):
    with pytest.raises(Exception, match=msg): client.predict(text, api_name='/classify')

def test_cards_endpoint(client):
    "/cards returns each loaded model's card"
    cards = client.predict(api_name='/cards')
    assert set(cards) == set(DEFAULT_MODELS)
    assert cards['names']['tokenizer']['model_type'] == 'char' and cards['headlines']['preset'] == 'tiny'
    assert 'bpc' in cards['headlines']['metrics'] and cards['names']['categories'] == CATS
    assert cards['sentiment']['classes'] == ['fresh', 'rotten'] and 'accuracy' in cards['sentiment']['metrics']
    assert all(c['size_mb'] > 0 for c in cards.values())

@pytest.mark.parametrize('args, msg', [
    (('x'*10_000, 5, 0.8, 0.9, 4, 15, 0), 'the prompt is 10,000 characters long; the app takes at most 200'),
    (('', 0, 0.8, 0.9, 4, 15, 0), 'Value 0 is less than minimum value 1'),   # the slider's own bound
    (('', MAX_APP_N+1, 0.8, 0.9, 4, 15, 0), f'Value {MAX_APP_N+1} is greater than maximum value {MAX_APP_N}'),
    (('', 5, 0.0, 0.9, 4, 15, 0), 'temperature must be above 0'),
    (('', 5, 0.8, 0.9, 9, 3, 0), r'min_words \(9\) must not exceed max_words \(3\)'),
])
def test_bad_input_is_a_clear_error(client, args, msg):
    "Bad form values come back as the app's error message, not a traceback, and the server keeps serving"
    with pytest.raises(Exception, match=msg): client.predict(*args, api_name='/headlines')
    assert len(client.predict('', 2, 0.8, 0.9, 0, 10, 1, api_name='/headlines').splitlines()) == 2

def test_concurrent_clients(app_url):
    "8 clients x 25 mixed requests: no errors, every response well formed"
    def worker(i):
        c, bad = Client(app_url, verbose=False), []
        for j in range(25):
            kind = (i + j) % 4
            if kind == 0:
                out = c.predict('Flu', 3, 0.9, 0.9, 2, 12, i*100+j, api_name='/headlines').splitlines()
                ok = len(out) == 3 and all(l.startswith('Flu') for l in out)
            elif kind == 1:
                out, table = c.predict('M', 4, 0.9, i*100+j, CATS[(i+j) % len(CATS)], api_name='/names')
                out = out.splitlines()
                ok = len(out) == 4 and all(l.startswith('M') for l in out) and len(table['data']) == 4
            elif kind == 2:
                out = c.predict(f'Flu season {i} {j}', api_name='/classify')
                ok = len(out) == 3 and all(o['label'] for o in out)
            else: ok = set(c.predict(api_name='/cards')) == set(DEFAULT_MODELS)
            if not ok: bad.append((kind, out))
        return bad
    with ThreadPoolExecutor(8) as ex: results = list(ex.map(worker, range(8)))
    assert sum(map(len, results)) == 0, results

def test_space_entry_point(app_models_dir):
    "apps/app.py builds the same app from $AWD_MODELS_DIR (a Space imports it and finds `demo`)"
    import os, runpy, gradio as gr
    from pathlib import Path
    os.environ['AWD_MODELS_DIR'] = str(app_models_dir)
    try: ns = runpy.run_path(str(Path(__file__).parent.parent/'apps'/'app.py'))
    finally: del os.environ['AWD_MODELS_DIR']
    assert isinstance(ns['demo'], gr.Blocks)
