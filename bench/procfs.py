"""What Linux's /proc tells of gunicorn's processes: a master's workers, the CPU time
they used and their memory."""

from pathlib import Path


def children_of(pid):
    """The ids of the processes whose parent is `pid`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)


def cpu_ticks(pids):
    """User and system CPU time used so far by these processes, in clock ticks."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime and stime
    return total


def memory_kb(pid):
    """VmRSS, VmHWM (peak resident memory) and Pss (resident memory, pages shared with other
    processes divided between them) of a process, in kB."""
    fields = {}
    for name in ("status", "smaps_rollup"):
        try:
            text = Path(f"/proc/{pid}/{name}").read_text()
        except OSError:
            continue  # smaps_rollup needs Linux 4.14
        for line in text.splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM", "Pss"):
                fields[key] = int(value.split()[0])
    return {
        "rss_kb": fields.get("VmRSS"),
        "hwm_kb": fields.get("VmHWM"),
        "pss_kb": fields.get("Pss"),
    }
