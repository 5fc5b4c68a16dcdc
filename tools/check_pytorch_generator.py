#!/usr/bin/env python3
"""Checks that PyTorch's generator reproduces sgan-sample's images from a checkpoint.

Usage: tools/check_pytorch_generator.py CHECKPOINT.h5 SAMPLES.h5
SAMPLES.h5 comes from `sgan-sample --checkpoint CHECKPOINT.h5 -o SAMPLES.h5`; its /latents
go through the converted generator in eval mode (batch norm from running statistics) and
the result is compared with /generated. Exits 1 when the largest difference exceeds 1e-4.
"""

import sys

import h5py
import torch

import sgan_torch


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    checkpoint, samples = sys.argv[1], sys.argv[2]
    configuration, image_shape = sgan_torch.read_settings(checkpoint)
    generator = sgan_torch.build_generator(configuration, image_shape)
    generator.load_state_dict(sgan_torch.state_dict(checkpoint, "generator"), strict=True)
    generator.eval()

    with h5py.File(samples, "r") as file:
        latents = torch.from_numpy(file["latents"][()])
        expected = torch.from_numpy(file["generated"][()])
    with torch.no_grad():
        images = generator(latents.reshape(latents.shape[0], latents.shape[1], 1, 1))

    difference = (images - expected).abs().max().item()
    print(f"{latents.shape[0]} images, max |pytorch - sgan-sample| = {difference:.3g}")
    if difference > 1e-4:
        sys.exit("the generators disagree")


if __name__ == "__main__":
    main()
