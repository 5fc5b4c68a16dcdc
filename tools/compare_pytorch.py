#!/usr/bin/env python3
"""Compare sgan-train's training iteration with the same iteration in PyTorch.

Both sides run the default 64x64x3 DCGAN (nz 100, 64 filters, batch norm) with the Softmax
GAN loss, N real and M generated images per step, and the same iteration:

1. D step: G forward on M latent vectors; D forward on the real and on the generated half
   as two separate calls (batch-norm statistics per half); ln Z_B = logsumexp of -mu over
   both halves; L_D = mean of mu over the real half + ln Z_B; backward; Adam on D.
2. G step: reuse the generated images; D forward on both halves (the real half enters
   Z_B); L_G = mean of mu over both halves + ln Z_B; backward through D's generated half
   into G; Adam on G. D's parameter gradients are not computed here (sgan-train skips them
   too); --torch-dcgan-style computes them, as PyTorch's examples/dcgan does.

For each round and thread count the script runs `sgan-bench step` and a PyTorch process
one after the other, swapping which goes first every round, so both see the same machine
load on average. It prints the images per second of each, their ratio (sgan / torch),
and CPU seconds per iteration, which stay meaningful when other jobs share the cores.

Usage (after `swift build -c release --product sgan-bench`):

    python3 tools/compare_pytorch.py --threads 1,2 --rounds 3 --iterations 3

Needs torch and numpy; nothing in the build or the tests uses this file.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

TOOLS = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(TOOLS)


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument(
        "--iterations", type=int, default=3, help="timed iterations per run (default 3)")
    parser.add_argument(
        "--warm-up", type=int, default=1, help="untimed iterations per run (default 1)")
    parser.add_argument("--batch-size", type=int, default=64, help="real images N (default 64)")
    parser.add_argument(
        "--fake-size", type=int, default=None, help="generated images M (default N)")
    parser.add_argument(
        "--bench", default=os.path.join(ROOT, ".build", "release", "sgan-bench"),
        help="path of the sgan-bench executable")
    parser.add_argument(
        "--channels-last", action="store_true", help="run PyTorch in channels-last layout")
    parser.add_argument(
        "--torch-dcgan-style", action="store_true",
        help="let PyTorch also compute D's parameter gradients in the G step")
    parser.add_argument("--json", help="write every measurement to this JSON file")
    parser.add_argument("--torch-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--worker-threads", type=int, help=argparse.SUPPRESS)
    return parser.parse_args()


# MARK: PyTorch side, run in its own process per measurement


def torch_worker(arguments):
    """Times the PyTorch iteration and prints one JSON line with the results."""
    threads = arguments.worker_threads
    import torch

    torch.set_num_threads(threads)
    sys.path.insert(0, TOOLS)
    import sgan_torch

    configuration = {
        "filters": 64, "latentSize": 100, "generatorBatchNorm": True,
        "discriminatorBatchNorm": True, "constantGeneratorFilters": False,
        "discriminatorReLU": False, "inputRange": "-1,1",
    }
    image_shape = [64, 64, 3]
    real_count = arguments.batch_size
    generated_count = arguments.fake_size or real_count
    torch.manual_seed(1)
    generator = sgan_torch.build_generator(configuration, image_shape)
    discriminator = sgan_torch.build_discriminator(configuration, image_shape)
    for module in generator.modules():
        initialize_dcgan(module)
    for module in discriminator.modules():
        initialize_dcgan(module)

    memory_format = torch.channels_last if arguments.channels_last else torch.contiguous_format
    generator = generator.to(memory_format=memory_format)
    discriminator = discriminator.to(memory_format=memory_format)
    generator_optimizer = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    discriminator_optimizer = torch.optim.Adam(
        discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = (torch.randn(real_count, 3, 64, 64)).contiguous(memory_format=memory_format)
    total = real_count + generated_count

    def iteration():
        latents = torch.randn(generated_count, 100, 1, 1)
        generated = generator(latents)

        # D step: two separate D calls, softmax over both halves.
        discriminator_optimizer.zero_grad()
        real_energies = discriminator(real).view(-1)
        generated_energies = discriminator(generated.detach()).view(-1)
        log_partition = torch.logsumexp(-torch.cat([real_energies, generated_energies]), 0)
        discriminator_loss = real_energies.mean() + log_partition
        discriminator_loss.backward()
        discriminator_optimizer.step()

        # G step: reuse the generated batch; the real half only enters Z_B.
        generator_optimizer.zero_grad()
        if not arguments.torch_dcgan_style:
            discriminator.requires_grad_(False)
        with torch.set_grad_enabled(arguments.torch_dcgan_style):
            real_energies = discriminator(real).view(-1)
        generated_energies = discriminator(generated).view(-1)
        energies = torch.cat([real_energies, generated_energies])
        generator_loss = energies.sum() / total + torch.logsumexp(-energies, 0)
        generator_loss.backward()
        generator_optimizer.step()
        discriminator.requires_grad_(True)
        return discriminator_loss.item(), generator_loss.item()

    for _ in range(arguments.warm_up):
        iteration()
    wall, cpu = [], []
    for _ in range(arguments.iterations):
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        iteration()
        wall.append(time.perf_counter() - wall_start)
        cpu.append(time.process_time() - cpu_start)
    print(json.dumps({"wall_s": wall, "cpu_s": cpu, "real": real_count}))


def initialize_dcgan(module):
    """Applies DCGAN's initialisation: N(0, 0.02) weights, N(1, 0.02) batch-norm scales."""
    from torch import nn

    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.normal_(module.weight, 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, nn.BatchNorm2d):
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


# MARK: Runner


def run_torch(arguments, threads):
    """Runs the PyTorch worker with `threads` threads and returns its measurements."""
    command = [
        sys.executable, os.path.abspath(__file__), "--torch-worker",
        "--worker-threads", str(threads), "--iterations", str(arguments.iterations),
        "--warm-up", str(arguments.warm_up), "--batch-size", str(arguments.batch_size),
    ]
    if arguments.fake_size:
        command += ["--fake-size", str(arguments.fake_size)]
    if arguments.channels_last:
        command.append("--channels-last")
    if arguments.torch_dcgan_style:
        command.append("--torch-dcgan-style")
    environment = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    output = subprocess.run(
        command, check=True, capture_output=True, text=True, env=environment).stdout
    result = json.loads(output.strip().splitlines()[-1])
    return result


def run_sgan(arguments, threads):
    """Runs `sgan-bench step` on `threads` threads and returns its measurements."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "step.json")
        command = [
            arguments.bench, "step", "--threads", str(threads),
            "--iterations", str(arguments.iterations), "--warm-up", str(arguments.warm_up),
            "--batch-size", str(arguments.batch_size), "--sgemm-size", "0", "--json", path,
        ]
        if arguments.fake_size:
            command += ["--fake-size", str(arguments.fake_size)]
        subprocess.run(command, check=True, capture_output=True, text=True)
        with open(path) as file:
            row = json.load(file)["rows"][0]
    return {"wall_s": row["iteration_s"], "cpu_s": row["iteration_cpu_s"], "real": row["real"]}


def load_average():
    return os.getloadavg()[0]


def main():
    arguments = parse_arguments()
    if arguments.torch_worker:
        torch_worker(arguments)
        return
    if not os.path.exists(arguments.bench):
        sys.exit(
            f"compare_pytorch.py: error: '{arguments.bench}' not found; build it with "
            "'swift build -c release --product sgan-bench' or pass --bench")

    thread_counts = [int(value) for value in arguments.threads.split(",")]
    runners = {"sgan": run_sgan, "torch": run_torch}
    measurements = {threads: {"sgan": [], "torch": []} for threads in thread_counts}
    print(f"load average at start: {load_average():.2f}", flush=True)

    for round_index in range(arguments.rounds):
        order = ["sgan", "torch"] if round_index % 2 == 0 else ["torch", "sgan"]
        for threads in thread_counts:
            for name in order:
                result = runners[name](arguments, threads)
                result["load"] = load_average()
                measurements[threads][name].append(result)
                rate = result["real"] / statistics.median(result["wall_s"])
                print(
                    f"round {round_index + 1} threads {threads} {name:5s}: {rate:6.2f} img/s, "
                    f"cpu {statistics.median(result['cpu_s']):.2f} s/iteration, "
                    f"load {result['load']:.2f}", flush=True)

    print(f"load average at end: {load_average():.2f}")
    print()
    layout = "channels-last" if arguments.channels_last else "NCHW"
    style = "with" if arguments.torch_dcgan_style else "without"
    print(
        f"batch {arguments.batch_size}+{arguments.fake_size or arguments.batch_size}, "
        f"PyTorch in {layout}, {style} D parameter gradients in its G step; "
        "median over every timed iteration of every round")
    print(
        f"{'threads':>7} {'sgan img/s':>11} {'torch img/s':>12} {'ratio':>7} "
        f"{'sgan cpu s':>11} {'torch cpu s':>12} {'cpu ratio':>10}")
    summary = []
    for threads in thread_counts:
        row = {"threads": threads}
        for name in ("sgan", "torch"):
            runs = measurements[threads][name]
            wall = [value for run in runs for value in run["wall_s"]]
            cpu = [value for run in runs for value in run["cpu_s"]]
            row[name + "_images_per_s"] = runs[0]["real"] / statistics.median(wall)
            row[name + "_cpu_s"] = statistics.median(cpu)
        row["ratio"] = row["sgan_images_per_s"] / row["torch_images_per_s"]
        row["cpu_ratio"] = row["torch_cpu_s"] / row["sgan_cpu_s"]
        summary.append(row)
        print(
            f"{threads:>7} {row['sgan_images_per_s']:>11.2f} {row['torch_images_per_s']:>12.2f} "
            f"{row['ratio']:>7.2f} {row['sgan_cpu_s']:>11.2f} {row['torch_cpu_s']:>12.2f} "
            f"{row['cpu_ratio']:>10.2f}")
    print("ratio = sgan img/s / torch img/s; cpu ratio = torch cpu s / sgan cpu s (>1: sgan ahead)")

    if arguments.json:
        with open(arguments.json, "w") as file:
            json.dump({
                "arguments": vars(arguments), "measurements": measurements,
                "summary": summary}, file, indent=2)


if __name__ == "__main__":
    main()
