"""Argument types shared by the bench scripts' parsers (`add_argument(..., type=...)`): a bad value is refused by
argparse itself, as the options are read and so before any corpus or model is loaded, in one line naming the option
and what it takes, exit status 2:
    batch_fairness.py: error: argument --runs: must be a whole number of 1 or more, got '0'
Each bench script finds this file beside it (a script's own folder comes first on `sys.path`; the scripts that import
their siblings put this folder there). Not a benchmark: `make bench` runs bench/[!_]*.py, which leaves it out."""
import argparse, math
from toolkit.core import MAX_EPOCHS, MAX_MINUTES, MAX_SEED # (toolkit.core imports neither torch nor fastai)

def _span(lo, hi, above=False)->str:
    "'of 1 or more', 'above 0', 'from 0 to 1', 'above 0 and at most 10,080'"
    f = lambda x: f'{x:,}' if isinstance(x, int) else f'{x:g}'
    if hi is None: return f'above {f(lo)}' if above else f'of {f(lo)} or more'
    return f'above {f(lo)} and at most {f(hi)}' if above else f'from {f(lo)} to {f(hi)}'

def whole(lo:int=1, hi:int|None=None, also:tuple=()):
    "An argparse `type`: a whole number from `lo` (to `hi`), or one of `also`, else argparse's error naming the option"
    def parse(s:str)->int:
        try: v = int(s)
        except ValueError: v = None
        if v is None or (v not in also and (v < lo or (hi is not None and v > hi))):
            raise argparse.ArgumentTypeError(f"must be {''.join(f'{x} or ' for x in also)}a whole number {_span(lo, hi)}, got {s!r}")
        return v
    parse.__name__ = 'whole number' # (argparse names a type by it in some messages)
    return parse

def number(lo:float=0., hi:float|None=None, above:bool=True):
    "An argparse `type`: a finite number above `lo` (or from `lo`, `above=False`), at most `hi`"
    def parse(s:str)->float:
        try: v = float(s)
        except ValueError: v = math.nan
        if not math.isfinite(v) or (v <= lo if above else v < lo) or (hi is not None and v > hi):
            raise argparse.ArgumentTypeError(f'must be a number {_span(lo, hi, above)}, got {s!r}')
        return v
    parse.__name__ = 'number'
    return parse

def whole_list(lo:int=1, hi:int|None=None):
    "An argparse `type`: comma-separated whole numbers from `lo` (to `hi`), as a list (blanks between commas ignored)"
    def parse(s:str)->list[int]:
        parts = [x.strip() for x in s.split(',') if x.strip()]
        try: vs = [int(x) for x in parts]
        except ValueError: vs = None
        if vs is None or any(v < lo or (hi is not None and v > hi) for v in vs):
            raise argparse.ArgumentTypeError(f'must be comma-separated whole numbers {_span(lo, hi)}, got {s!r}')
        return vs
    parse.__name__ = 'list of whole numbers'
    return parse

def number_list(lo:float, hi:float|None=None):
    "An argparse `type`: comma-separated numbers from `lo` (to `hi`), as a list, at least one"
    def parse(s:str)->list[float]:
        parts = [x.strip() for x in s.split(',') if x.strip()]
        try: vs = [float(x) for x in parts]
        except ValueError: vs = None
        if not vs or any(not math.isfinite(v) or v < lo or (hi is not None and v > hi) for v in vs):
            raise argparse.ArgumentTypeError(f'must be comma-separated numbers {_span(lo, hi)}, got {s!r}')
        return vs
    parse.__name__ = 'list of numbers'
    return parse

def some_of(choices, fold_case:bool=False):
    """An argparse `type`: some of `choices`, comma-separated, as a list in the order given (each once; blanks
    ignored; `fold_case`: in either case, returned as `choices` spell them), else an error listing `choices`"""
    choices = list(choices)
    canon = {(c.lower() if fold_case else c): c for c in choices}
    def parse(s:str)->list[str]:
        given = [x.strip() for x in s.split(',') if x.strip()]
        bad = [x for x in given if (x.lower() if fold_case else x) not in canon]
        if bad or not given:
            raise argparse.ArgumentTypeError(f"{'unknown ' + ', '.join(map(repr, bad)) if bad else 'none given'}: "
                                             f"expected some of {', '.join(choices)}, comma-separated")
        return list(dict.fromkeys(canon[x.lower() if fold_case else x] for x in given))
    parse.__name__ = 'list'
    return parse

count = whole(1) # how many: runs, repeats, samples, rows, threads, ...
minutes = number(0., MAX_MINUTES) # a training time budget, as the toolkit takes it (`check_minutes`: at most a week)
epochs = whole(1, MAX_EPOCHS)
seed = whole(0, MAX_SEED) # numpy takes seeds from 0 to 2**32-1
