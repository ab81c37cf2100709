"""Bring the notebooks' `show_doc` outputs up to date with the code: they are the API documentation.

    python scripts/refresh_docs.py          # rewrite the stale `show_doc` outputs in nbs/*.ipynb
    python scripts/refresh_docs.py --check  # list them and exit 1 (tests/test_index.py does this)

A notebook cell holding only `show_doc(...)` lines shows a function's signature, with each argument's comment, and its
docstring. Its output is saved in the notebook when the notebook was last run, so a new argument (or a changed
comment) leaves the documentation behind the code until the whole notebook runs again. This renders each such cell
afresh, in the namespace of the notebook's module (`#| default_exp`) and `toolkit.all`, without running the rest.
"""
import argparse, importlib, json, re, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBS = ROOT/'nbs'

def _module(nb:dict)->str|None:
    "The module a notebook exports (`#| default_exp NAME`)"
    for c in nb['cells']:
        for line in ''.join(c['source']).splitlines():
            if line.startswith('#| default_exp '): return line.split()[-1]
    return None

def _namespace(mod:str|None)->dict:
    from nbdev.showdoc import show_doc
    ns = dict(vars(importlib.import_module('toolkit.all')))
    if mod:
        m = importlib.import_module(f'toolkit.{mod}')
        import torch # the notebook imports it; a light module (core) names it only in annotations, as text
        m.__dict__.setdefault('torch', torch)
        ns.update(vars(m))
    return {**ns, 'show_doc': show_doc}

def _is_doc_cell(c:dict)->bool:
    lines = [l for l in ''.join(c['source']).splitlines() if l.strip()]
    return c['cell_type'] == 'code' and bool(lines) and all(l.startswith('show_doc(') for l in lines)

def _rendered(src:str, ns:dict)->list[dict]:
    "The outputs a `show_doc` cell gives when run now, as the notebook stores them"
    outs = []
    for line in (l for l in src.splitlines() if l.strip()):
        try: d = eval(line, ns)
        except Exception as e: raise RuntimeError(f"{line}: {type(e).__name__}: {e}") from None
        md = re.sub(r'\n\[source\]\([^)]*\)\{[^}]*\}\n', '', d._repr_markdown_()) # as the notebook shows it
        outs.append({'data': {'text/markdown': md.splitlines(keepends=True),
                              'text/plain': repr(d).splitlines(keepends=True)},
                     'execution_count': None, 'metadata': {}, 'output_type': 'execute_result'})
    return outs[-1:] # a cell shows its last expression's value

def _md(outs:list)->str:
    return ''.join(''.join(o.get('data', {}).get('text/markdown', [])) for o in outs)

def stale_cells(path:Path, fix:bool=False)->list[str]:
    "The ids of `path`'s `show_doc` cells whose saved output is not what the code renders now (`fix`: rewrite them)"
    try: nb = json.loads(path.read_text(encoding='utf-8')); nb['cells'][:0]
    except (ValueError, KeyError, TypeError): raise SystemExit(f"{path}: not a notebook (JSON with a list of cells)") from None
    ns, stale = _namespace(_module(nb)), []
    for c in nb['cells']:
        if not _is_doc_cell(c): continue
        try: new = _rendered(''.join(c['source']), ns)
        except RuntimeError as e: raise SystemExit(f"{path.name}, cell {c.get('id')}: {e}") from None
        if _md(c.get('outputs', [])) != _md(new):
            stale.append(c.get('id', '?'))
            c['outputs'] = new
    if fix and stale: path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + '\n')
    return stale

def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    p.add_argument('--check', action='store_true', help='list the stale outputs and exit 1, rewriting nothing')
    p.add_argument('notebooks', nargs='*', help='notebooks (default: nbs/*.ipynb)')
    a = p.parse_args(argv)
    paths = [Path(n) for n in a.notebooks] or sorted(NBS.glob('*.ipynb'))
    missing = [str(n) for n in paths if not n.is_file()]
    if missing: p.error(f"no such notebook: {', '.join(missing)}")
    found = {n: stale_cells(n, fix=not a.check) for n in paths}
    found = {n: ids for n, ids in found.items() if ids}
    for n, ids in found.items():
        print(f"{n.name}: {len(ids)} stale show_doc output{'s' if len(ids) > 1 else ''} ({', '.join(ids)})"
              + ('' if a.check else ': rewritten'))
    if a.check and found: sys.exit("run `python scripts/refresh_docs.py` (then nbdev-clean) and commit the notebooks")
    if not found: print("every show_doc output matches the code")

if __name__ == '__main__': main()
