#!/usr/bin/env python3
"""Plot the JSON files of `sgan-bench step --json` as PNG figures.

For each input file, one figure with two panels: the measured speed-up and parallel
efficiency per thread count, with the file's Amdahl (fixed batch) and Gustafson (batch per
thread) projections drawn as dashed lines, and the share of each phase other than compute
per thread count as stacked bars.

Usage:

    sgan-bench step --threads 1,2 --json strong.json
    python3 tools/plot_scaling.py strong.json --out scaling.png

With several input files, the output name gets the input's base name appended. Needs
matplotlib (`pip install matplotlib`); nothing in the build or the tests uses this file.
"""

import argparse
import json
import os
import sys

# Compute dominates the iteration, so the bars show the other phases and the tick labels
# give the compute share.
PHASES = ["combine", "reduce", "optimizer", "data", "other"]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("inputs", nargs="+", help="JSON files written by sgan-bench step --json")
    parser.add_argument("--out", default="scaling.png", help="PNG path (default scaling.png)")
    return parser.parse_args()


def output_path(base, input_path, count):
    """Returns `base` for one input, else `base` with the input's name appended."""
    if count == 1:
        return base
    stem, extension = os.path.splitext(base)
    name = os.path.splitext(os.path.basename(input_path))[0]
    return f"{stem}-{name}{extension or '.png'}"


def plot(result, title, path, pyplot):
    """Draws one result's speed-up, efficiency and phase shares into `path`."""
    rows = result["rows"]
    threads = [row["threads"] for row in rows]
    weak = result["settings"]["weak_scaling"]
    figure, (speed_axis, share_axis) = pyplot.subplots(1, 2, figsize=(12, 4.5))

    # Speed-up and efficiency, measured and projected.
    speed_axis.plot(threads, [row["speed_up"] for row in rows], "o-", label="measured speed-up")
    efficiency_axis = speed_axis.twinx()
    efficiency_axis.plot(
        threads, [100 * row["efficiency"] for row in rows], "s-", color="tab:green",
        label="measured efficiency")
    projection = result.get("projection")
    if projection:
        projected = [1] + projection["threads"]
        for key, label, color in [
            ("strong_speed_up", "Amdahl projection (fixed batch)", "tab:orange"),
            ("weak_speed_up", "Gustafson projection (batch per thread)", "tab:purple"),
        ]:
            speed_axis.plot(
                projected, [1] + projection[key], "--", color=color, label=label)
    speed_axis.plot(threads, threads, ":", color="grey", label="ideal")
    speed_axis.set_xscale("log", base=2)
    speed_axis.set_yscale("log", base=2)
    speed_axis.set_xlabel("threads")
    speed_axis.set_ylabel("speed-up over the first thread count")
    efficiency_axis.set_ylabel("parallel efficiency (%)")
    efficiency_axis.set_ylim(0, 110)
    handles = speed_axis.get_legend_handles_labels()
    more = efficiency_axis.get_legend_handles_labels()
    speed_axis.legend(handles[0] + more[0], handles[1] + more[1], fontsize=8, loc="upper left")
    speed_axis.set_title(("weak" if weak else "strong") + " scaling; dashed lines are projections")

    # Phase shares as stacked bars.
    bottom = [0.0] * len(rows)
    positions = range(len(rows))
    for phase in PHASES:
        values = [100 * row["shares"][phase] for row in rows]
        share_axis.bar(positions, values, bottom=bottom, label=phase)
        bottom = [b + v for b, v in zip(bottom, values)]
    share_axis.set_xticks(list(positions))
    share_axis.set_xticklabels([
        f"{t} ({r['real']}+{r['generated']})\ncompute {100 * r['shares']['compute']:.1f}%"
        for t, r in zip(threads, rows)])
    share_axis.set_xlabel("threads (batch)")
    share_axis.set_ylabel("share of the iteration (%)")
    share_axis.legend(fontsize=8, loc="upper left")
    share_axis.set_title("phases other than compute (forward and backward)")

    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    pyplot.close(figure)


def main():
    arguments = parse_arguments()
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot
    except ImportError:
        sys.exit("plot_scaling.py: error: matplotlib is missing; install it with "
                 "'pip install matplotlib'")

    for input_path in arguments.inputs:
        with open(input_path) as file:
            result = json.load(file)
        settings = result["settings"]
        title = (
            f"{os.path.basename(input_path)}: DCGAN {settings['image_size']}x"
            f"{settings['image_size']}x{settings['channels']}, {settings['loss']} loss, "
            f"batch {settings['batch_size']}+{settings['generated_size']}"
            + (" per thread" if settings["weak_scaling"] else ""))
        path = output_path(arguments.out, input_path, len(arguments.inputs))
        plot(result, title, path, pyplot)
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
