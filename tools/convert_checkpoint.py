#!/usr/bin/env python3
"""Converts an sgan-train checkpoint.h5 into PyTorch state_dict files.

Usage: tools/convert_checkpoint.py CHECKPOINT.h5 OUT_PREFIX
Writes OUT_PREFIX-generator.pth and OUT_PREFIX-discriminator.pth, each loadable with
module.load_state_dict(torch.load(path)) into the modules of tools/sgan_torch.py.
"""

import sys

import torch

import sgan_torch


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    checkpoint, prefix = sys.argv[1], sys.argv[2]
    configuration, image_shape = sgan_torch.read_settings(checkpoint)

    for network, build in [
        ("generator", sgan_torch.build_generator),
        ("discriminator", sgan_torch.build_discriminator),
    ]:
        weights = sgan_torch.state_dict(checkpoint, network)
        module = build(configuration, image_shape)
        module.load_state_dict(weights, strict=True)
        path = f"{prefix}-{network}.pth"
        torch.save(module.state_dict(), path)
        print(f"wrote {path}: {len(weights)} tensors")


if __name__ == "__main__":
    main()
