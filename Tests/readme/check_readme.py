"""Runs every console block of the README, in order, as a reader would in one terminal, and checks the output.

    UPLIFT_BIN=.build/debug/uplift .venv/bin/python Tests/readme/check_readme.py README.md

A console block is a fenced block marked `console`: lines starting with `$ ` are commands (a line ending in
`\\` continues; `<<'EOF'` takes the lines up to `EOF`), the lines after a command are its expected output.
Every block runs in one bash process, in a fresh working directory that holds links to the repository's
`dashboards`, `schemas` and `.venv` and nothing else, with `uplift` on the PATH (UPLIFT_BIN) and no
UPLIFT_* variables from the caller. A command that exits non-zero fails the check unless its expected
output starts with `error:`.

What may differ from the README (the documented variable parts):
- API keys (`upw_…`, `upr_…`, and their 12-character prefixes): the first time a key is printed, the README's
  key is mapped to the real one, and later commands get the real one in its place;
- durations (`in 1.3 s)`, `18,941 lines/s`) and the creation times in lines that show a key;
- the ports 8080 and 8081: each replaced everywhere by a free port, so that a running `make run` does not get
  in the way;
- log lines (`2026-…T… info uplift…`), which go to standard error beside the output, and `uplift import`'s
  progress lines (`import: 60,367 imported, …`, every 5 s when standard error is not a terminal);
- `…`: alone at the start of a line it stands for any number of lines; inside a line, for any text.
Blank lines are not compared. A comment `<!-- readme-check setup: COMMAND -->` before a block runs COMMAND
first (unchecked, it must succeed): it stands for what the text says was done before, such as `make run`'s
demo import. A command ending in `&` runs in the background: its output is what it has
printed once the expected lines are there (waited for at most 60 s).
"""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KEY = re.compile(r"up[wr]_[0-9A-Za-z]{43}")
KEY_PREFIX = re.compile(r"\bup[wr]_[0-9A-Za-z]{8}\b")
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\S* (trace|debug|info|notice|warning) ")
# `uplift import`'s progress, on standard error every 5 s when it is not a terminal.
PROGRESS = re.compile(r"^import: (\d[\d,]* imported|compacting)")
DURATION = re.compile(r"\d+(\.\d+)? s\)")
RATE = re.compile(r"[\d,]+ lines/s")
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
END = "@@@README-CHECK-END"
PORTS = ["8080", "8081"]


class Step:
    def __init__(self, line, command, expected):
        self.line = line  # the README line of the command
        self.command = command
        self.expected = expected


SETUP = re.compile(r"^<!-- readme-check setup: (.*) -->$")


def blocks(text):
    """The console blocks: (first line number, [setup command], [Step])."""
    lines = text.split("\n")
    out = []
    setup = []
    i = 0
    while i < len(lines):
        directive = SETUP.match(lines[i].strip())
        if directive:
            setup.append(directive.group(1))
        if lines[i].strip() != "```console":
            i += 1
            continue
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and lines[i].strip() != "```":
            body.append((i + 1, lines[i]))
            i += 1
        out.append((start, setup, steps(body)))
        setup = []
        i += 1
    return out


def steps(body):
    result = []
    j = 0
    while j < len(body):
        number, line = body[j]
        if not line.startswith("$ "):
            if line.strip():
                raise SystemExit(f"README.md:{number}: output before any command in a console block")
            j += 1
            continue
        command = [line[2:]]
        j += 1
        heredoc = re.search(r"<<-?'?(\w+)'?", line)
        while command[-1].endswith("\\") and j < len(body):
            command.append(body[j][1])
            j += 1
        if heredoc:
            while j < len(body):
                command.append(body[j][1])
                j += 1
                if command[-1] == heredoc.group(1):
                    break
        expected = []
        while j < len(body) and not body[j][1].startswith("$ "):
            expected.append(body[j][1])
            j += 1
        result.append(Step(number, "\n".join(command), [e for e in expected if e.strip()]))
    return result


def without_comment(command):
    """The command without a trailing `# comment` (a `#` outside quotes after a blank)."""
    quote = None
    for i, c in enumerate(command):
        if quote:
            quote = None if c == quote else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and i > 0 and command[i - 1] in " \t":
            return command[:i].rstrip()
    return command.rstrip()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Checker:
    def __init__(self, binary, root):
        self.keys = {}  # README key or prefix -> the real one
        # The README's ports (8080 for `make run`'s server, 8081 for the tour's) -> free ones.
        self.ports = {port: str(free_port()) for port in PORTS}
        self.work = Path(tempfile.mkdtemp(prefix="uplift-readme-"))
        bin_dir = self.work / ".bin"
        bin_dir.mkdir()
        (bin_dir / "uplift").symlink_to(Path(binary).resolve())
        self.run_dir = self.work / "run"
        self.run_dir.mkdir()
        for name in ["dashboards", "schemas", ".venv"]:
            if (root / name).exists():
                (self.run_dir / name).symlink_to((root / name).resolve())
        env = {k: v for k, v in os.environ.items() if not k.startswith("UPLIFT_")}
        env["PATH"] = f"{bin_dir}:{env.get('PATH', '/usr/bin:/bin')}"
        env["TMPDIR"] = str(self.work)
        # curl prints a progress meter on standard error when its output is not a terminal; a reader sees none.
        (self.work / ".curlrc").write_text("silent\nshow-error\n")
        env["CURL_HOME"] = str(self.work)
        self.shell = subprocess.Popen(
            ["bash", "--norc", "--noprofile"], cwd=self.run_dir, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, bufsize=1)
        self.background = 0

    def close(self):
        try:
            self.shell.stdin.write("kill $(jobs -p) 2>/dev/null; wait\nexit 0\n")
            self.shell.stdin.flush()
            self.shell.wait(timeout=60)
        except Exception:
            self.shell.kill()
        shutil.rmtree(self.work, ignore_errors=True)

    def substitute(self, text):
        for readme, real in sorted(self.keys.items(), key=lambda kv: -len(kv[0])):
            text = text.replace(readme, real)
        return self.ported(text)

    def ported(self, text):
        for readme, real in self.ports.items():
            text = text.replace(readme, real)
        return text

    def execute(self, step):
        command = self.substitute(step.command)
        bare = without_comment(command)
        if bare.endswith("&") and not bare.endswith("&&"):
            return self.in_background(bare[:-1].rstrip(), step), 0
        if re.match(r"kill %\d+$", bare):
            command = bare + "; wait"
        # The status on a line of its own: curl's answer, for one, ends without a newline.
        self.shell.stdin.write(f"{command}\n__status=$?; printf '\\n{END} %s\\n' $__status\n")
        self.shell.stdin.flush()
        output = []
        deadline = time.monotonic() + 900
        while True:
            line = self.shell.stdout.readline()
            if not line:
                raise SystemExit(f"README.md:{step.line}: the shell ended while running `{command}`")
            line = line.rstrip("\n")
            if END in line:
                before, _, status = line.partition(END)
                if before:
                    output.append(before)
                return output, int(status.split()[0])
            output.append(line)
            if time.monotonic() > deadline:
                raise SystemExit(f"README.md:{step.line}: `{command}` ran for more than 15 minutes")

    def in_background(self, command, step):
        self.background += 1
        log = self.work / f"background-{self.background}.log"
        self.shell.stdin.write(f"{command} > {log} 2>&1 &\n")
        self.shell.stdin.flush()
        deadline = time.monotonic() + 60
        while True:
            lines = [l for l in log.read_text().split("\n") if l.strip()] if log.exists() else []
            printed = [l for l in lines if not LOG_LINE.match(l)]
            if len(printed) >= len(step.expected) or time.monotonic() > deadline:
                return printed

    def normalised(self, line, expected):
        """The line with its variable parts replaced; learns keys from actual lines."""
        if KEY.search(line) or KEY_PREFIX.search(line):
            line = TIMESTAMP.sub("<time>", line)
        line = DURATION.sub("<n> s)", line)
        line = RATE.sub("<n> lines/s", line)
        if expected:
            line = self.ported(line)
        line = KEY.sub("<key>", line)
        return KEY_PREFIX.sub("<prefix>", line)

    def learn_keys(self, expected, actual):
        for pattern in (KEY, KEY_PREFIX):
            for readme, real in zip(pattern.findall(expected), pattern.findall(actual)):
                if readme != real:
                    self.keys.setdefault(readme, real)
        # A full key's prefix is its first 12 characters.
        for readme, real in list(self.keys.items()):
            if len(readme) > 12:
                self.keys.setdefault(readme[:12], real[:12])

    def matches(self, expected, actual):
        """Whether the actual lines match the expected ones (with `…` wildcards); learns keys on a match."""
        pairs = []
        if not self.match_from(expected, 0, actual, 0, pairs):
            return False
        for e, a in pairs:
            self.learn_keys(e, a)
        return True

    def match_from(self, expected, i, actual, j, pairs):
        if i == len(expected):
            return j == len(actual)
        line = expected[i]
        if line.lstrip().startswith("…"):
            return any(self.match_from(expected, i + 1, actual, k, pairs) for k in range(j, len(actual) + 1))
        if j == len(actual) or not self.line_matches(line, actual[j]):
            return False
        pairs.append((line, actual[j]))
        if self.match_from(expected, i + 1, actual, j + 1, pairs):
            return True
        pairs.pop()
        return False

    def line_matches(self, expected, actual):
        e = self.normalised(expected.rstrip(), expected=True)
        a = self.normalised(actual.rstrip(), expected=False)
        if "…" in e:
            pattern = ".*".join(re.escape(part) for part in e.split("…"))
            return re.fullmatch(pattern, a) is not None
        return e == a


def rewrite(readme, updates):
    """Replaces the output lines after each command line (1-based) with the real output, keeping a blank line
    that ended them."""
    lines = readme.read_text().split("\n")
    for number in sorted(updates, reverse=True):
        length, output = updates[number]
        start = number - 1 + length
        end = start
        while end < len(lines) and not lines[end].startswith("$ ") and lines[end].strip() != "```":
            end += 1
        trailing = [""] if end > start and not lines[end - 1].strip() else []
        lines[start:end] = output + trailing
    readme.write_text("\n".join(lines))


def main():
    arguments = [a for a in sys.argv[1:] if a != "--update"]
    # --update: write each differing command's real output into the README (for a person to review).
    update = "--update" in sys.argv[1:]
    updates = {}
    readme = Path(arguments[0] if arguments else "README.md")
    binary = os.environ.get("UPLIFT_BIN", ".build/debug/uplift")
    if not Path(binary).exists():
        raise SystemExit(f"no uplift binary at {binary}: build it (swift build) or set UPLIFT_BIN")
    checker = Checker(binary, readme.resolve().parent)
    failures = 0
    checked = 0
    try:
        for start, setup, block in blocks(readme.read_text()):
            for command in setup:
                began = time.monotonic()
                output, status = checker.execute(Step(start, command, []))
                if status != 0:
                    raise SystemExit(f"README.md:{start}: the setup `{command}` failed ({status}): {output[-20:]}")
                print(f"README.md:{start}: setup ({time.monotonic() - began:.1f} s) $ {command[:100]}")
            for step in block:
                began = time.monotonic()
                output, status = checker.execute(step)
                output = [l.rstrip() for l in output if not LOG_LINE.match(l) and not PROGRESS.match(l)]
                shown = output
                output = [l for l in output if l]
                seconds = time.monotonic() - began
                checked += 1
                failed = status != 0 and not (step.expected and step.expected[0].startswith("error:"))
                if failed or not checker.matches(step.expected, output):
                    failures += 1
                    updates[step.line] = (step.command.count("\n") + 1, shown)
                    print(f"README.md:{step.line}: $ {step.command}")
                    if failed:
                        print(f"  exit status {status}")
                    print("  expected:")
                    for line in step.expected:
                        print(f"    {line}")
                    print("  got:")
                    for line in output:
                        print(f"    {line}")
                else:
                    print(f"README.md:{step.line}: ok ({seconds:.1f} s) $ {step.command.splitlines()[0][:100]}")
    finally:
        checker.close()
    print(f"{checked - failures} passed, {failures} failed: the README's console commands")
    if update and updates:
        rewrite(readme, updates)
        print(f"wrote the real output of {len(updates)} commands into {readme}: review the difference")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
