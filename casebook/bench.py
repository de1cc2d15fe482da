"""The author's loop, measured: how long `make book` takes in the scenarios authors meet.

    python -m casebook.bench [--repeat N] [--with-tests]   (make bench)

Runs on a temporary copy of the repository (the book's own data and build are never touched),
with this virtual environment. Each scenario runs N times; the medians go to _build/bench.csv
and to a table on the terminal, with the machine's core count. A benchmark, not a test: the
test suite asserts no times.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from casebook.paths import BUILD, ROOT

CSV = BUILD / "bench.csv"
CELL = re.compile(r"```\{code-cell\}[^\n]*\n(?::[^\n]*\n)*(.*?)```", re.S)


def copy_repository(dest: Path) -> Path:
    """The committed and untracked (not ignored) files of the book, without any build output."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.split()
    for name in listed:
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


def _run(root: Path, *args: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(root)}  # the copy's package
    started = time.monotonic()
    result = subprocess.run([sys.executable, *args], cwd=root, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if result.returncode != 0:
        raise SystemExit(f"[bench] {' '.join(args)} failed in {root}:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return seconds


def build(root: Path) -> float:
    return _run(root, "-m", "casebook.build", "all")


def _toggle(path: Path, old: str, new: str) -> None:
    """Swap old for new, or back: every run edits the file."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1) if old in text else text.replace(new, old, 1), encoding="utf-8")


def compute_floor(root: Path) -> float:
    """Every chapter's code cells in one Python process: what the chapters compute, without Sphinx or kernels."""
    code = "\n".join(block for p in sorted((root / "chapters").glob("*.md")) for block in CELL.findall(p.read_text()))
    script = root / "_build" / "all-chapter-code.py"
    script.parent.mkdir(parents=True, exist_ok=True)
    script.write_text("import myst_nb\nmyst_nb.glue = lambda *a, **k: None\n" + code)
    return _run(root, str(script))


def scenarios(root: Path, with_tests: bool) -> dict:
    """Scenario name -> a function that runs it once and returns seconds."""
    sentence = root / "chapters" / "discussion.md"
    data = root / "data" / "measurements.csv"

    def clean():
        shutil.rmtree(root / "_build", ignore_errors=True)
        return build(root)

    out = {
        "make book with nothing changed": lambda: build(root),
        "one sentence changed in one chapter": lambda: (_toggle(sentence, "Our report has limitations.",
                                                                 "Our report has its limitations."), build(root))[1],
        "one value changed in data/": lambda: (_toggle(data, "ct_2023_09,,1.4,", "ct_2023_09,,1.3,"), build(root))[1],
        "clean make book": clean,
        "every chapter's code in one process (compute floor)": lambda: compute_floor(root),
    }
    if with_tests:
        out["make test (pytest, after a build)"] = lambda: _run(root, "-m", "pytest", "-q", "-p", "no:cacheprovider")
    return out


SIZES = (10, 100, 195)  # rows added to measurements.csv: up to casebook.data.MAX_ROWS records in all


def grow(root: Path, rows: int) -> None:
    """measurements.csv with `rows` more records (copies of a real one under new ids): a larger case."""
    path = root / "data" / "measurements.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1]
    extra = [first.replace(first.split(",", 1)[0], f"m_bench_{i}", 1) for i in range(rows)]
    path.write_text("\n".join([header, *[ln for ln in lines[1:] if not ln.startswith("m_bench_")], *extra]) + "\n", encoding="utf-8")


def sizes(root: Path) -> list[dict]:
    """Validation, the chapters' computation and a whole build at each size of SIZES (one run each)."""
    rows = []
    for n in SIZES:
        grow(root, n)
        times = {"validate data/": _run(root, "-c", "from casebook.data import validate; assert validate() == []"),
                 "compute floor": compute_floor(root), "make book": build(root)}
        for step, seconds in times.items():
            print(f"[bench] {n:,} extra rows in measurements.csv, {step}: {seconds:.1f} s", flush=True)
            rows.append({"scenario": f"{step}, {n:,} extra rows", "runs": 1, "median_s": round(seconds, 1),
                         "min_s": round(seconds, 1), "max_s": round(seconds, 1), "cores": os.cpu_count()})
    return rows


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--with-tests", action="store_true", help="also time the whole test suite (minutes)")
    parser.add_argument("--size", action="store_true", help="time validation and a build as the tables grow (SIZES)")
    args = parser.parse_args(argv)
    rows = []
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as tmp:
        root = copy_repository(Path(tmp) / "book")
        print(f"[bench] copy in {root}; first build to warm up ...", flush=True)
        build(root)
        if args.size:
            rows = sizes(root)
        for name, run in ({} if args.size else scenarios(root, args.with_tests)).items():
            repeat = 1 if name.startswith("make test") else args.repeat
            times = []
            for i in range(repeat):
                times.append(run())
                print(f"[bench] {name}: run {i + 1}/{repeat} {times[-1]:.1f} s", flush=True)
            rows.append({"scenario": name, "runs": repeat, "median_s": round(statistics.median(times), 1),
                         "min_s": round(min(times), 1), "max_s": round(max(times), 1), "cores": os.cpu_count()})
    CSV.parent.mkdir(parents=True, exist_ok=True)
    with CSV.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    width = max(len(r["scenario"]) for r in rows)
    print(f"\n{'scenario':<{width}}  median (s)  runs   ({os.cpu_count()} cores)")
    for r in rows:
        print(f"{r['scenario']:<{width}}  {r['median_s']:>10}  {r['runs']:>4}")
    print(f"[bench] {CSV.relative_to(ROOT)}")
    return rows


if __name__ == "__main__":
    main()
