"""Terminal UI benchmarks (CONTRACTS §7): start to first screen, and CPU while a session runs.

Run: ``python benchmarks/bench_tui.py [--runs 5] [--cpu-seconds 10]`` (needs tmux).

1. Start: the real ``massage-ctl`` is started in a fresh 80×24 tmux pane; we poll the pane
   until the library frame shows (its search field: the first screen, usable — STOP, filters,
   search, devices) and until the table shows a program name (the programs load on a worker
   thread after the first paint). Baseline, same run, same method: a bare
   ``python -c "import textual.app"`` that prints a marker. Median of N runs each.
2. CPU: ``massage-ctl`` on ``sim://chair`` (real time), a session started through the keys a
   user presses; utime+stime of the whole process (UI and session threads) from
   ``/proc/PID/stat`` over the sampling window → % of one core. The idle library screen
   and ``massage-ctl run`` (the same session without the UI) are measured the same way for
   comparison.

Targets: start ≤ 1 s, CPU ≤ 10 % of one core.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

START_TARGET_S = 1.0
CPU_TARGET_PCT = 10.0
TICKS = os.sysconf("SC_CLK_TCK")


def tmux(*args: str) -> str:
    """Run a tmux command and return its output."""
    return subprocess.run(
        ["tmux", *args], check=True, capture_output=True, text=True, timeout=10
    ).stdout


def wait_text(session: str, text: str, timeout_s: float = 30.0) -> None:
    """Poll the pane (every 5 ms) until ``text`` shows."""
    deadline = time.monotonic() + timeout_s
    while text not in tmux("capture-pane", "-p", "-t", session):
        if time.monotonic() > deadline:
            raise RuntimeError(f"{text!r} never appeared in the pane")
        time.sleep(0.005)


def spawn(command: str, home: str) -> str:
    """Start ``command`` (exec'd, so the pane's pid is the program's) in a new 80×24 pane."""
    session = f"bench-tui-{uuid.uuid4().hex[:8]}"
    env = f"MASSAGE_CTL_HOME={shlex.quote(home)}"
    tmux("new-session", "-d", "-s", session, "-x", "80", "-y", "24", f"exec env {env} {command}")
    return session


def kill(session: str) -> None:
    """End the tmux session (and the program in it)."""
    subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True, timeout=10)


def fresh_home() -> str:
    """A MASSAGE_CTL_HOME whose user has already read the first-run note."""
    home = tempfile.mkdtemp(prefix="bench-tui-")
    with open(os.path.join(home, "config.toml"), "w", encoding="utf-8") as f:
        f.write("acknowledged_medical_note = true\n")
    return home


def time_to_text(command: str, markers: tuple[str, ...], runs: int) -> list[list[float]]:
    """Seconds from spawning ``command`` until each of ``markers`` (in order) shows: one list
    per marker, ``runs`` values each."""
    times: list[list[float]] = [[] for _ in markers]
    for _ in range(runs):
        home = fresh_home()
        t0 = time.perf_counter()
        session = spawn(command, home)
        try:
            for marker, seen in zip(markers, times, strict=True):
                wait_text(session, marker)
                seen.append(time.perf_counter() - t0)
        finally:
            kill(session)
    return times


def report_start(what: str, times: list[float], baseline_s: float) -> None:
    """One line per start figure: median, spread, target, cost over the bare-textual baseline."""
    m = statistics.median(times)
    print(f"{what}: median {m * 1000:.0f} ms over {len(times)} runs "
          f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}); target ≤ "
          f"{START_TARGET_S * 1000:.0f} ms → {'OK' if m <= START_TARGET_S else 'OVER'}; "
          f"{(m - baseline_s) * 1000:+.0f} ms over bare textual ({m / baseline_s:.1f}×)")


def cpu_ticks(pid: int) -> int:
    """utime + stime of process ``pid`` (all threads), in clock ticks."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # fields 14 and 15 of proc(5)


def cpu_percent(pid: int, seconds: float) -> float:
    """% of one core used by ``pid`` over ``seconds``."""
    c0, t0 = cpu_ticks(pid), time.monotonic()
    time.sleep(seconds)
    c1, t1 = cpu_ticks(pid), time.monotonic()
    return 100.0 * (c1 - c0) / TICKS / (t1 - t0)


def measure_cpu(seconds: float) -> tuple[float, float]:
    """(% on the idle library, % while a real-time session runs)."""
    ui = f"{shlex.quote(sys.executable)} -m massage_ctl --device sim://chair"
    session = spawn(ui, fresh_home())
    try:
        wait_text(session, "Acupressure, lower back")
        pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
        idle = cpu_percent(pid, seconds)
        tmux("send-keys", "-t", session, "Enter")
        wait_text(session, "Go (start)")
        tmux("send-keys", "-t", session, "g")
        wait_text(session, "How is your pain")
        tmux("send-keys", "-t", session, "n")
        wait_text(session, "Playing")
        running = cpu_percent(pid, seconds)
        tmux("send-keys", "-t", session, "s")
        wait_text(session, "STOPPED")
    finally:
        kill(session)
    return idle, running


def measure_cli_cpu(seconds: float) -> float:
    """% of one core of ``massage-ctl run`` on the same device: the session without the UI
    (the in-process simulator's own work is in both figures)."""
    cli = f"{shlex.quote(sys.executable)} -m massage_ctl run quick-10-minute --device sim://chair"
    session = spawn(cli, fresh_home())
    try:
        wait_text(session, "0:0")  # the progress line is printed
        pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
        return cpu_percent(pid, seconds)
    finally:
        kill(session)


def main() -> int:
    """Run both benchmarks and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cpu-seconds", type=float, default=10.0)
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        print("tmux is required (apt-get install tmux)", file=sys.stderr)
        return 1
    py = shlex.quote(sys.executable)
    [baseline] = time_to_text(
        f"{py} -c 'import textual.app; print(\"READY\"); import time; time.sleep(30)'",
        ("READY",), args.runs,
    )
    frame, table = time_to_text(
        f"{py} -m massage_ctl --device sim://chair",
        ("search by name", "Acupressure, lower back"), args.runs,
    )
    b = statistics.median(baseline)
    print(f"baseline `import textual.app`: median {b * 1000:.0f} ms over {args.runs} runs")
    report_start("start to first screen (library frame, usable)", frame, b)
    report_start("start to filled program table", table, b)
    idle, running = measure_cpu(args.cpu_seconds)
    print(f"CPU while a session runs (sim://chair, real time, {args.cpu_seconds:g} s): "
          f"{running:.1f} % of one core; target ≤ {CPU_TARGET_PCT:g} % → "
          f"{'OK' if running <= CPU_TARGET_PCT else 'OVER'}")
    cli = measure_cli_cpu(args.cpu_seconds)
    print(f"  for comparison: idle library screen {idle:.1f} %; the same session without the "
          f"UI (`massage-ctl run`, simulator in-process) {cli:.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
