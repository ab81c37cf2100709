"""How long `awd` takes before it answers, side by side in one run: the help and a mistyped option (the parser alone)
against a command that runs (generate from a shipped model), and against what any fastai script pays to import
`fastai.text.all`. Each row is a fresh process, as a shell starts it; best and median of `--repeats`. Run with the
machine otherwise idle:
    python bench/cli_startup.py [--repeats 5] [--before OTHER/.venv/bin]
`--before` adds the parser rows of another checkout's venv (e.g. a clone at an older commit), for a before/after.
"""
import argparse, os, platform, statistics, subprocess, sys, time
from pathlib import Path
from _args import count

BIN = Path(sys.executable).parent
ROWS = [ # (what, argv, expected exit status)
    ('awd --help', [BIN/'awd', '--help'], 0),
    ('awd generate --help', [BIN/'awd', 'generate', '--help'], 0),
    ('awd generate --bogus (a mistyped option)', [BIN/'awd', 'generate', '--bogus'], 2),
    ('python -c "import fastai.text.all" (stock fastai)', [sys.executable, '-c', 'import fastai.text.all'], 0),
    ('awd generate headlines -n 1 (imports, loads, generates)', [BIN/'awd', 'generate', 'headlines', '-n', '1', '--seed', '0'], 0),
]

def wall(argv, status:int)->float:
    t = time.perf_counter()
    r = subprocess.run([str(a) for a in argv], capture_output=True, text=True)
    dt = time.perf_counter() - t
    assert r.returncode == status, (argv, r.returncode, r.stderr[-500:])
    return dt

def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--repeats', type=count, default=5)
    p.add_argument('--before', help="another checkout's venv bin directory: its `awd --help` and mistyped option too")
    a = p.parse_args()
    if a.before and not (Path(a.before)/'awd').is_file(): # (found after three rows were timed)
        p.error(f"--before {a.before}: no awd there (give another checkout's venv bin directory)")
    rows = list(ROWS)
    if a.before:
        rows[3:3] = [(f'before: {what}', [Path(a.before)/'awd', *argv[1:]], st) for what, argv, st in ROWS[:3]]
    env = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"awd start-up, {a.repeats} fresh processes per row ({env})\n")
    times = {what: [wall(argv, st) for _ in range(a.repeats)] for what, argv, st in rows}
    base = min(times['python -c "import fastai.text.all" (stock fastai)'])
    print(f"| command | best s | median s | best / importing fastai |\n|---|---|---|---|")
    for what, ts in times.items():
        print(f"| {what} | {min(ts):.2f} | {statistics.median(ts):.2f} | {min(ts)/base:.2f}x |")

if __name__ == '__main__': main()
