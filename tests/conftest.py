"""Shared fixtures: a tiny headlines model trained once per session, the app's tiny models trained once per version
of the code (shared with the app notebook), and the venv's `awd` command."""
import contextlib, io, json, os, shutil, signal, socket, subprocess, sys, sysconfig, tempfile
from types import SimpleNamespace
from pathlib import Path
import pytest

REPO = Path(__file__).parent.parent

os.environ.setdefault('GRADIO_ANALYTICS_ENABLED', 'False')
# Two OpenMP threads on a 2-core machine that is also running other jobs (benchmarks, CI) make torch's LSTM 50-500x
# slower (the threads spin waiting for each other); one thread gives the same numbers. Set before torch is imported,
# so it holds for this process and for every subprocess a test starts (`awd train`, the fresh-process round trip).
os.environ.setdefault('OMP_NUM_THREADS', '1')
# Tests press Ctrl-C (SIGINT) on the processes they start, as a terminal does. A test run started with SIGINT ignored
# (a background job of a shell without job control, `nohup`-style wrappers) hands that to every child, which then
# trains on through the key press; give the children the terminal's default back.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN: signal.signal(signal.SIGINT, signal.default_int_handler)

@pytest.fixture(scope='session')
def awd():
    "The `awd` console script installed beside this Python"
    exe = Path(sys.executable).parent/'awd'
    return str(exe) if exe.exists() else shutil.which('awd')

def awd_here(*argv)->subprocess.CompletedProcess:
    """`awd ARGV` run in this process through the console script's own entry point (`toolkit.cli.main`): the exit
    status, stdout and stderr a shell would see. For error messages and quick commands, each of which would otherwise
    pay a fresh process's ~5 s of imports (torch, fastai); the README's commands and the fresh-process tests still
    start real processes"""
    from toolkit.cli import main
    out, err, code = io.StringIO(), io.StringIO(), 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try: main([str(a) for a in argv])
        except SystemExit as e: code = e.code if isinstance(e.code, int) else (e.code is not None)
    return subprocess.CompletedProcess(['awd', *map(str, argv)], code, out.getvalue(), err.getvalue())

# A process that has imported what `awd`'s commands import (torch, fastai, pandas, the toolkit: ~5 s; `toolkit.cli`
# alone imports none of the heavy ones, so that `awd --help` is quick) and nothing else, and forks a child for each
# command: the child runs `sys.exit(main())` as the console script does, in its own process, directory, environment
# and files. Only the imports are shared, and they load no model and start no thread (with OMP_NUM_THREADS=1 the server
# has one thread, so the fork is safe).
FORK_SERVER = r"""
import json, os, sys, time, signal
import toolkit.cli, toolkit.lm, toolkit.train, toolkit.export, toolkit.generate, toolkit.classify, toolkit.tagger
{more}
def serve():
    for line in sys.stdin:
        req = json.loads(line)
        pid = os.fork()
        if pid == 0: return req
        if req['detach']: print('pid', pid, flush=True) # an app: the test stops it, then reads its exit status
        t0 = time.time()
        while not (done := os.waitpid(pid, os.WNOHANG))[0]:
            if time.time() - t0 > req['timeout']:
                os.kill(pid, signal.SIGKILL); done = os.waitpid(pid, 0); print('timeout', end=' ')
                break
            time.sleep(0.02)
        print(os.waitstatus_to_exitcode(done[1]), flush=True)
    sys.exit(0)
req = serve()
if req['detach']: os.setsid() # its own process group, as `start_new_session=True` gives the script: Ctrl-C to it alone
os.chdir(req['cwd'])
os.environ.clear(); os.environ.update(req['env'])
for fd, path in ((0, os.devnull), (1, req['out']), (2, req['err'])):
    if fd == 2 and path == req['out']: os.dup2(1, 2); continue # stderr into stdout, as `stderr=subprocess.STDOUT`
    f = os.open(path, os.O_RDONLY if fd == 0 else os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(f, fd); os.close(f)
sys.stdin = open(0, closefd=False)
sys.argv = ['awd', *req['argv']]
from toolkit.cli import main
sys.exit(main())
"""
_fork_servers = {}

def _fork_server(more:str=''):
    "The fork server of this worker that has also imported `more` (started on first use, again if it died)"
    p = _fork_servers.get(more)
    if p is None or p.poll() is not None:
        p = _fork_servers[more] = subprocess.Popen([sys.executable, '-c', FORK_SERVER.replace('{more}', more)],
                                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO)
    return p

def _fork(server, argv, cwd, env, out, err, timeout, detach=False):
    req = dict(argv=argv, cwd=str(cwd or os.getcwd()), env={**os.environ, **(env or {})}, out=str(out),
               err=str(err), timeout=timeout, detach=detach)
    server.stdin.write(json.dumps(req) + '\n'); server.stdin.flush()

def awd_fresh(*argv, cwd:Path|str|None=None, env:dict|None=None, timeout:float=600)->subprocess.CompletedProcess:
    """`awd ARGV` in a fresh process, as a shell runs it, without paying the ~5 s of imports again: the process is
    forked from `FORK_SERVER`, which imported the toolkit once and has run nothing. What a user sees (exit status,
    stdout, stderr, files written) is what `subprocess.run(['awd', ...])` gives; the README's app commands, Ctrl-C
    and the installed-wheel tests still start the real `awd` script"""
    server, argv = _fork_server(), [str(a) for a in argv]
    with tempfile.TemporaryDirectory() as d:
        out, err = Path(d)/'stdout', Path(d)/'stderr'
        _fork(server, argv, cwd, env, out, err, timeout)
        status = server.stdout.readline().split()
        assert status, 'the fork server died'
        if status[0] == 'timeout': raise subprocess.TimeoutExpired(['awd', *argv], timeout, out.read_text(), err.read_text())
        return subprocess.CompletedProcess(['awd', *argv], int(status[0]), out.read_text(), err.read_text())

class ForkedApp:
    """`awd serve ARGV` in a fresh process forked from a fork server that has also imported the app and Gradio (~10 s of
    a start-up's imports): a `subprocess.Popen` of the script to the README tests (`pid` leads its own process group;
    `poll`, `wait`, `returncode`; `stdout.read()`: what it printed, stderr included)"""
    def __init__(self, argv, cwd, env=None):
        self._dir = tempfile.TemporaryDirectory() # its output's, removed with the handle (mkdtemp's were left behind)
        self.server, self.out, self.returncode = _fork_server('import toolkit.app, gradio'), Path(self._dir.name)/'out', None
        _fork(self.server, ['serve', *map(str, argv)], cwd, env, self.out, self.out, timeout=3600, detach=True)
        said = self.server.stdout.readline().split()
        assert said[:1] == ['pid'], f'the fork server said {said}'
        self.pid = int(said[1])
    def _status(self, timeout): # the server's line when the app has ended (it writes nothing else until then)
        import select
        if self.returncode is None and select.select([self.server.stdout], [], [], timeout)[0]:
            said = self.server.stdout.readline().split()
            assert said, 'the fork server died'
            self.returncode = -9 if said[0] == 'timeout' else int(said[0])
        return self.returncode
    def poll(self): return self._status(0)
    def wait(self, timeout=None):
        if self._status(timeout) is None: raise subprocess.TimeoutExpired(['awd', 'serve'], timeout)
        return self.returncode
    @property
    def stdout(self): return io.StringIO(self.out.read_text())

@pytest.fixture(scope='session')
def tiny_lm_path(tmp_path_factory):
    "A tiny headlines language model, exported once for the whole test session"
    from toolkit.all import load_corpus, train_lm, export_learner
    df = load_corpus('headlines').sample(4000, random_state=0)
    learn = train_lm(df, preset='tiny', epochs=1, vocab_sz=300, show_progress=False)
    return export_learner(learn, tmp_path_factory.mktemp('models')/'tiny', corpus='headlines')

@pytest.fixture(scope='session')
def tiny_lm(tiny_lm_path):
    from toolkit.export import load_model
    return load_model(tiny_lm_path)

def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); return s.getsockname()[1]

@pytest.fixture(scope='session')
def app_models_dir():
    """Tiny default models (headlines, names, origin, sentiment, outlet), shared with the app notebook and across the
    workers: trained once per version of the toolkit's code into build/test-models. Tests only read them (copy first)"""
    from toolkit.app import tiny_models
    return tiny_models(REPO/'build'/'test-models')

@pytest.fixture(scope='session')
def app_models(app_models_dir):
    from toolkit.app import ensure_models, load_models, DEFAULT_MODELS
    return load_models(ensure_models(app_models_dir, kinds=list(DEFAULT_MODELS)))

@pytest.fixture(scope='session')
def app_url(app_models):
    "The app, served on 127.0.0.1 at a free port for the whole test session"
    from toolkit.app import build_app, launch
    demo = build_app(app_models)
    port = free_port()
    launch(demo, '127.0.0.1', port, block=False) # as `awd serve` launches it (queue, upload cap)
    yield f'http://127.0.0.1:{port}/'
    demo.close()

def _sources(dst:Path)->Path:
    "A copy of what a wheel is built from (the build writes build/ and *.egg-info beside setup.py: not in the repository)"
    for f in ('setup.py', 'settings.ini', 'pyproject.toml', 'README.md', 'LICENSE', 'MANIFEST.in'):
        shutil.copy(REPO/f, dst/f)
    shutil.copytree(REPO/'toolkit', dst/'toolkit', ignore=shutil.ignore_patterns('__pycache__', '.*'))
    return dst

@pytest.fixture(scope='session')
def installed_wheel(tmp_path_factory):
    """The package as a user gets it: `pip wheel .`, installed (not editable) into a fresh venv outside the repository,
    with the dependencies of this venv reused. `.run('awd', ...)` or `.run('python', ...)` runs there, from a directory
    outside the repository, with the repository's toolkit out of sight"""
    tmp = tmp_path_factory.mktemp('wheel')
    src, wheels, env_dir, cwd = (tmp/d for d in ('src', 'wheels', 'venv', 'elsewhere'))
    for d in (src, cwd): d.mkdir()
    def run(*a, **kw):
        return subprocess.run([str(x) for x in a], capture_output=True, text=True, timeout=600, **kw)
    r = run(sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-w', wheels, '.', cwd=_sources(src))
    assert r.returncode == 0, r.stderr[-3000:]
    wheel, = wheels.glob('awd_toolkit-*.whl')
    r = run(sys.executable, '-m', 'venv', '--without-pip', '--system-site-packages', env_dir)
    assert r.returncode == 0, r.stderr
    py = env_dir/'bin'/'python'
    r = run(sys.executable, '-m', 'pip', '--python', py, 'install', '--no-deps', '--no-index', wheel)
    assert r.returncode == 0, r.stderr[-3000:]
    # the dependencies (torch, fastai, ...) live in this venv, not the system's: reuse them through a path file. A path
    # a .pth adds is not a site directory, so the editable install's own .pth files there are not read
    site = Path(run(py, '-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])').stdout.strip())
    (site/'zz_deps.pth').write_text(sysconfig.get_paths()['purelib'] + '\n')
    env = {k: v for k,v in os.environ.items() if not k.startswith('PYTHON')}
    env['PATH'] = f"{env_dir/'bin'}{os.pathsep}{env.get('PATH', '')}" # `awd` is the venv's
    def run_there(exe, *args):
        if exe == 'python': return run(py, '-I', *args, cwd=cwd, env=env)
        return run(env_dir/'bin'/exe, *args, cwd=cwd, env=env)
    return SimpleNamespace(run=run_there, env_dir=env_dir, wheel=wheel, cwd=cwd)

# The longest tests first: with two workers, a four-minute test collected last (the README's commands come late
# in alphabetical order) runs alone at the end while the other worker idles. Started first, it overlaps the rest.
FIRST = ['test_readme.py::test_use_it_commands', 'test_readme.py::test_notebook_examples',
         'test_resume.py::test_killed_then_resumed', 'test_classify.py::test_ensemble_cli_fresh_process',
         'test_classify.py::test_cli_classifier', 'test_scale.py::test_two_processes_gloo']

# Fixtures that take a while: module ones that train a model, and session ones used by several modules (the wheel,
# built and installed). Each worker that runs a test of theirs makes them again (the tagger's 20 s twice); the tests
# that use one run on one worker (`--dist loadgroup` sends a group as one unit, the largest units first), so it is
# made once. The group: the module's name, or the session fixture's.
SHARED = {'test_tagger.py': {'tagger'}, 'test_classify.py': {'clf'}, 'test_names.py': {'lm'},
          'test_portable.py': {'lm_and_dir', 'clf_and_dir'}}
SHARED_SESSION = {'installed_wheel'}

@pytest.hookimpl(trylast=True) # after xdist's own, which names the groups in a way pytest 9.2 no longer reads
def pytest_collection_modifyitems(config, items):
    """Run the tests of `FIRST` before the others, in that order (the rest keep theirs); the users of a `SHARED` or
    `SHARED_SESSION` fixture join its group. With `--dist loadgroup`, a test's `xdist_group` goes into its node id, as
    xdist does before pytest 9.2: from 9.2 the id is a structured `NodeId`, xdist's suffix on the old string field is
    lost, and every group was spread over the workers (pytest-xdist#1386; the wheel was built on both)"""
    rank = {name: i for i, name in enumerate(FIRST)}
    def key(item): return rank.get(item.nodeid.split('/')[-1].split('[')[0], len(FIRST))
    items.sort(key=key)
    if not getattr(config.option, 'loadgroup', False): return # set in xdist's workers alone
    for item in items:
        used = set(getattr(item, 'fixturenames', ()))
        if SHARED.get(item.path.name, set()) & used: item.add_marker(pytest.mark.xdist_group(item.path.name))
        for f in sorted(SHARED_SESSION & used): item.add_marker(pytest.mark.xdist_group(f))
        groups = sorted({str(m.args[0] if m.args else m.kwargs.get('name', 'default'))
                         for m in item.iter_markers('xdist_group')})
        if groups and '@' not in item.nodeid and hasattr(item, '_id'):
            item._id = type(item._id).parse(f"{item.nodeid}@{'_'.join(groups)}")
