"README.md is rendered from nbs/index.ipynb (`make readme`), so the two cannot drift apart."
import importlib.util, json
from pathlib import Path

REPO = Path(__file__).parent.parent

def make_readme():
    spec = importlib.util.spec_from_file_location('make_readme', REPO/'scripts'/'make_readme.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

def test_readme_is_rendered_from_index():
    "README.md is what scripts/make_readme.py renders from nbs/index.ipynb: edit the notebook, then `make readme`"
    assert (REPO/'README.md').read_text(encoding='utf-8') == make_readme().render(REPO/'nbs'/'index.ipynb')

def test_render_rules(tmp_path):
    "Markdown as it is, code as ```python without its directives; notebook-only and hidden cells left out"
    mr = make_readme()
    cells = [dict(cell_type='markdown', source=['# Title\n', '\n', 'Text.']),
             dict(cell_type='markdown', source=[mr.NB_ONLY + '\n', 'For the notebook only.']),
             dict(cell_type='code', source=['#| notest\n', 'x = 1']),
             dict(cell_type='code', source=['#| hide\n', 'import secret']),
             dict(cell_type='raw', source=['raw'])]
    (tmp_path/'index.ipynb').write_text(json.dumps(dict(cells=cells)))
    assert mr.render(tmp_path/'index.ipynb') == '# Title\n\nText.\n\n```python\nx = 1\n```\n'

def _script(name):
    spec = importlib.util.spec_from_file_location(name, REPO/'scripts'/f'{name}.py')
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

def test_show_doc_outputs_match_the_code():
    """The notebooks' `show_doc` outputs are the API documentation: they showed signatures without arguments added
    since (`generate`'s `distinct`, `TimeBudget`'s `max_epochs`...). Each is what the code renders now"""
    rd = _script('refresh_docs')
    stale = {nb.name: ids for nb in sorted((REPO/'nbs').glob('*.ipynb')) if (ids := rd.stale_cells(nb))}
    assert not stale, f"stale show_doc outputs {stale}: run `python scripts/refresh_docs.py`, then commit the notebooks"

def test_refresh_docs_rewrites_a_stale_output(tmp_path, capsys):
    "The script puts the rendered signature in place of an old one, and --check leaves the file alone"
    import shutil, pytest
    rd = _script('refresh_docs') # its `main`, in this process: three runs of the script paid ~8 s of imports each
    nb = tmp_path/'03_recipes.ipynb'
    shutil.copy(REPO/'nbs'/'03_recipes.ipynb', nb)
    d = json.loads(nb.read_text())
    cell = next(c for c in d['cells'] if ''.join(c['source']).startswith('show_doc('))
    cell['outputs'][0]['data']['text/markdown'] = ['an old signature']
    nb.write_text(json.dumps(d, indent=1, ensure_ascii=False) + '\n')
    with pytest.raises(SystemExit) as e: rd.main(['--check', str(nb)])
    assert 'run `python scripts/refresh_docs.py`' in str(e.value.code) # exit status 1, the message on stderr
    assert f'1 stale show_doc output ({cell["id"]})' in capsys.readouterr().out and 'an old signature' in nb.read_text()
    rd.main([str(nb)])
    assert 'rewritten' in capsys.readouterr().out and 'an old signature' not in nb.read_text()
    rd.main(['--check', str(nb)]) # no SystemExit: exit status 0
    assert 'every show_doc output matches the code' in capsys.readouterr().out
