"""Render README.md from nbs/index.ipynb, the notebook the README is written in (nbdev's `index.ipynb`).

nbdev builds a README with Quarto (`nbdev-readme`), which cannot be installed here (see the notebook's note), so this
script does the same job for what index.ipynb holds: each markdown cell as it is, each code cell as a ```python block
(its `#|` directives dropped), cells separated by a blank line. A markdown cell that starts with `NB_ONLY` and a code
cell marked `#| hide` stay in the notebook. `python scripts/make_readme.py` writes README.md (`make readme`);
`--check` only says whether README.md is what the notebook renders (tests/test_index.py runs it)."""
import argparse, json, sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NB_ONLY = '<!-- notebook only -->' # a markdown cell for the notebook's readers, left out of README.md

def cell_markdown(cell:dict)->str|None:
    "The README text of one cell of index.ipynb, or None for a cell that stays in the notebook"
    src = ''.join(cell['source'])
    if cell['cell_type'] == 'markdown': return None if src.startswith(NB_ONLY) else src
    if cell['cell_type'] != 'code': return None
    lines = src.splitlines()
    if any(l.replace(' ', '') == '#|hide' for l in lines): return None
    code = '\n'.join(l for l in lines if not l.startswith('#|'))
    return f'```python\n{code}\n```'

def render(nb_path:str|Path=REPO/'nbs'/'index.ipynb')->str:
    "README.md's text, rendered from the notebook at `nb_path`"
    cells = json.loads(Path(nb_path).read_text(encoding='utf-8'))['cells']
    return '\n\n'.join(t for t in map(cell_markdown, cells) if t is not None) + '\n'

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--check', action='store_true', help='exit 1 if README.md differs from what index.ipynb renders')
    args = p.parse_args()
    readme, text = REPO/'README.md', render()
    if args.check:
        if readme.read_text(encoding='utf-8') == text: return print('README.md matches nbs/index.ipynb')
        sys.exit('README.md differs from what nbs/index.ipynb renders: edit the notebook, then run `make readme`')
    readme.write_text(text, encoding='utf-8')
    print(f'wrote {readme}')

if __name__ == '__main__': main()
