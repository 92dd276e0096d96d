"""wrk, the load generator of the site benchmark: finding it, running it, reading its
`--latency` output."""

import os
import re
import shutil
import subprocess
import sys

from harness import out


def find_wrk():
    """wrk's path, installing it from Debian's registry when missing and running as root."""
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() != 0:
        sys.exit(
            "wrk is not installed. Install it (Debian/Ubuntu: `sudo apt-get install -y wrk`; "
            "elsewhere https://github.com/wg/wrk) and run the benchmark again."
        )
    out("wrk is not installed: apt-get install -y wrk")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if subprocess.run(install, env=env, stdout=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, stdout=subprocess.DEVNULL, check=False)
        subprocess.run(install, env=env, stdout=subprocess.DEVNULL, check=False)
    path = shutil.which("wrk")
    if not path:
        sys.exit("`apt-get install -y wrk` failed: install wrk and run the benchmark again.")
    return path


def wrk_version(wrk):
    result = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    first = (result.stdout + result.stderr).strip().splitlines()
    return first[0] if first else "unknown"


def wrk_command_line(options):
    """The wrk options the bench runs with, as printed and kept in the results file."""
    return (
        f"wrk -t{options.threads} -c{options.connections} -d{options.duration}s "
        f"--timeout={options.timeout}s --latency"
    )


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
DURATION = r"([\d.]+)(us|ms|s|m|h)"


def to_ms(number, unit):
    return float(number) * UNITS_MS[unit]


def parse_wrk(text):
    """The figures of `wrk --latency` output."""

    def find(pattern, default=None):
        match = re.search(pattern, text, re.MULTILINE)
        return match.groups() if match else default

    result = {}
    latency = find(rf"^\s+Latency\s+{DURATION}\s+{DURATION}\s+{DURATION}")
    if latency:
        result["avg_ms"] = to_ms(*latency[0:2])
        result["stdev_ms"] = to_ms(*latency[2:4])
        result["max_ms"] = to_ms(*latency[4:6])
    for percent in (50, 75, 90, 99):
        value = find(rf"^\s+{percent}%\s+{DURATION}")
        result[f"p{percent}_ms"] = to_ms(*value) if value else None
    requests = find(rf"^\s+(\d+) requests in {DURATION}")
    if requests is None:
        raise RuntimeError(f"could not read wrk's output:\n{text}")
    result["requests"] = int(requests[0])
    result["seconds"] = to_ms(*requests[1:3]) / 1000
    result["rps"] = float(find(r"^Requests/sec:\s+([\d.]+)", ("0",))[0])
    connect, read, write, timeout = map(
        int,
        find(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", (0,) * 4),
    )
    result["socket_errors"] = {"connect": connect, "read": read, "write": write, "timeout": timeout}
    result["non_2xx_3xx"] = int(find(r"Non-2xx or 3xx responses: (\d+)", ("0",))[0])
    result["errors"] = result["non_2xx_3xx"] + connect + read + write + timeout
    return result


def run_wrk(wrk, url, options):
    command = [
        wrk,
        f"-t{options.threads}",
        f"-c{options.connections}",
        f"-d{options.duration}s",
        f"--timeout={options.timeout}s",
        "--latency",
        url,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return parse_wrk(result.stdout)
