"""Serving many users at once (issue 27): requests share a model's running batch, results stream as rows finish, a
full batcher says so at once, and a stopped request leaves the batch. Against a live app on a free port, through
gradio_client, with the tiny models."""
import threading, time
from concurrent.futures import ThreadPoolExecutor
import pytest
from gradio_client import Client
import toolkit.app as app_mod
from toolkit.app import build_app, launch, Handlers
from toolkit.batch import Batcher
from toolkit.generate import RunningBatch, generate_many

def _serve(models, batching='step'):
    from conftest import free_port
    demo = build_app(models, batching)
    port = free_port()
    launch(demo, '127.0.0.1', port, block=False)
    return demo, f'http://127.0.0.1:{port}/'

@pytest.fixture
def slow_steps(monkeypatch):
    "Each engine step 10 ms longer, so that a tiny model's 100 headlines take long enough to watch them arrive"
    step = RunningBatch.step
    def slow(self):
        time.sleep(0.01); return step(self)
    monkeypatch.setattr(RunningBatch, 'step', slow)
    monkeypatch.setattr(app_mod, 'STREAM_EVERY', 0.)

def test_seeded_alone_equals_batched(app_models):
    "A seeded request gives the same texts alone and in a batch with others, through the app's batchers"
    h = Handlers(app_models)
    try:
        args = [('', n, t, p, 4, 15, seed) for seed, (n, t, p) in enumerate([(5, 0.8, 0.9), (3, 1.0, 1.0), (7, 1.2, 0.95)]*4)]
        alone = [h.headlines(*a) for a in args]
        with ThreadPoolExecutor(12) as ex: together = list(ex.map(lambda a: h.headlines(*a), args))
        assert together == alone
        assert h.batchers['headlines'].stats['max_rows'] > 7 # some requests did share a step
        names = [('K', 5, 0.8, s, o) for s, o in enumerate(['Russian', 'Japanese', 'Irish', 'Greek'])]
        with ThreadPoolExecutor(4) as ex: together = list(ex.map(lambda a: h.names(*a)[0], names))
        assert together == [h.names(*a)[0] for a in names]
    finally: h.close()

def test_generate_many_matches_generate(app_models):
    "The Python entry point: many requests in one batch, each as `generate` gives it alone"
    lm = app_models['names']
    reqs = [dict(prompt='K', n=4, category='Russian', seed=1, max_words=3), dict(n=3, category='Japanese', seed=2, top_p=0.9),
            dict(prompt='Mc', n=2, category='Irish', greedy=True, max_tokens=20)]
    assert generate_many(lm, reqs) == [lm.generate(**r) for r in reqs]

def test_streaming_yields_partial_outputs(app_models, slow_steps):
    "gradio_client's submit() yields the headlines as they finish, before the last; the last output has all of them"
    demo, url = _serve(app_models)
    try:
        job = Client(url, verbose=False).submit('', 100, 0.8, 0.9, 4, 15, 3, api_name='/headlines')
        final = job.result(timeout=120)
        outs = [o for o in job.outputs() if o] # ('' while no headline is done: a tick, where the page's Stop can act)
        assert len(outs) >= 3, len(outs)
        assert 0 < len(outs[0].splitlines()) < 100
        assert [len(o.splitlines()) for o in outs] == sorted(len(o.splitlines()) for o in outs) # they only grow
        assert final == outs[-1] and len(final.splitlines()) == 100
        assert final == demo.handlers.headlines('', 100, 0.8, 0.9, 4, 15, 3) # in row order: what the seed gives
    finally: demo.close(); demo.handlers.close()

def test_cancelled_request_frees_its_rows(app_models, slow_steps):
    "A client that cancels (the page's stop button) takes its rows out of the batch; the server goes on serving"
    demo, url = _serve(app_models)
    b = demo.handlers.batchers['headlines']
    try:
        c = Client(url, verbose=False)
        job = c.submit('', 100, 0.8, 0.9, 4, 15, 3, api_name='/headlines')
        t = time.monotonic()
        while not job.outputs() and time.monotonic() - t < 60: time.sleep(0.01) # the first headlines arrived
        assert job.outputs()
        job.cancel()
        t = time.monotonic()
        while b.running and time.monotonic() - t < 30: time.sleep(0.01)
        assert b.running == 0 and b.stats['steps'] < 80*100 # freed before its rows were done
        assert len(c.predict('Why', 3, 0.8, 0.9, 4, 15, 0, api_name='/headlines').splitlines()) == 3
    finally: demo.close(); demo.handlers.close()

def test_full_batcher_is_busy_and_server_keeps_serving(app_models):
    "When a model's batcher has as many waiting requests as it takes, a request gets 'busy' at once, never a hang"
    demo, url = _serve(app_models, batching='none') # one request at a time: the rest wait
    b = demo.handlers.batchers['headlines']
    b.max_waiting = 1
    try:
        long = b.submit(n=100, max_tokens=5000, stop_at_eos=False) # keeps the model busy
        while not b.running: time.sleep(0.01)
        waiting = b.submit(n=2, seed=0)
        c = Client(url, verbose=False)
        t = time.monotonic()
        with pytest.raises(Exception, match='busy'): c.predict('', 3, 0.8, 0.9, 4, 15, 0, api_name='/headlines')
        assert time.monotonic() - t < 30
        names, _ = c.predict('K', 3, 0.8, 0, 'Russian', api_name='/names') # other models are not held up
        assert len(names.splitlines()) == 3
        long.cancel()
        assert len(waiting.result(timeout=60)) == 2
        assert len(c.predict('', 3, 0.8, 0.9, 4, 15, 0, api_name='/headlines').splitlines()) == 3
    finally: demo.close(); demo.handlers.close()

def test_classify_requests_share_a_pass(app_models):
    "Texts classified by concurrent requests go through the classifier together, each getting its own answer"
    h = Handlers(app_models)
    try:
        texts = ['Nakamura', 'Kowalski', 'Rossi', "O'Brien", 'Ivanov', 'Papadopoulos']*3
        with ThreadPoolExecutor(18) as ex: res = list(ex.map(lambda t: h.classify(t), texts))
        alone = [h.classify(t) for t in texts[:6]]
        for a, b in zip(alone*3, res): # the same probabilities, up to float rounding in a batch of another shape
            assert all(d1.keys() == d2.keys() and all(abs(d1[k] - d2[k]) < 1e-5 for k in d1) for d1, d2 in zip(a, b))
        s = h.batchers['origin'].stats
        assert s['requests'] == 24 and s['passes'] < s['requests'] # some requests shared a pass
    finally: h.close()
