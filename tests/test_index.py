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
