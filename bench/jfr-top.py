#!/usr/bin/env python3
"""Top frames of a JFR recording's samples, grouped by method (the first frame of each stack):
`python3 bench/jfr-top.py recording.jfr [N] [EVENT]`. EVENT is jdk.ExecutionSample (Java code,
the default) or jdk.NativeMethodSample (threads inside native methods, e.g. DJL's JNI calls
into libtorch). Uses `jfr print` from the JDK on the PATH."""
import collections
import subprocess
import sys


def main(argv):
    path = argv[0]
    top = int(argv[1]) if len(argv) > 1 else 15
    event = argv[2] if len(argv) > 2 else "jdk.ExecutionSample"
    text = subprocess.run(["jfr", "print", "--events", event, path],
                          check=True, capture_output=True, text=True).stdout
    counts = collections.Counter()
    total = 0
    waiting = False
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("stackTrace = ["):
            waiting = True
        elif waiting and s and not s.startswith("truncated"):
            counts[s.split("line:")[0].strip()] += 1
            total += 1
            waiting = False
    print("%d samples" % total)
    for frame, n in counts.most_common(top):
        print("%5.1f%%  %s" % (100.0 * n / max(1, total), frame))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
