"""PyTorch counterparts of sgan-train's DCGAN networks, and checkpoint conversion.

The modules are nn.Sequential named `main`, laid out as PyTorch's examples/dcgan, so the
state_dict keys equal the dataset names under /generator and /discriminator in a
checkpoint.h5. Unlike examples/dcgan, a convolution keeps its bias wherever no batch norm
follows it, and the discriminator ends in an unbounded energy instead of a sigmoid: that is
how sgan-train builds them (the energy itself has no bias: Softmax GAN ignores a common
shift of all energies).

Needs h5py, numpy and torch; nothing in the build or the tests uses this file.
"""

import json

import h5py
import torch
from torch import nn


def read_settings(checkpoint_path):
    """Returns (configuration dict, [H, W, C]) stored in a checkpoint."""
    with h5py.File(checkpoint_path, "r") as file:
        configuration = json.loads(file.attrs["configuration"])
        image_shape = [int(v) for v in file.attrs["image_shape"]]
    return configuration, image_shape


def doublings(image_size):
    count, size = 0, 4
    while size < image_size:
        size *= 2
        count += 1
    return count


def build_generator(configuration, image_shape):
    """Builds the generator sgan-train trains for these settings."""
    d = doublings(image_shape[0])
    f = configuration["filters"]
    batch_norm = configuration["generatorBatchNorm"]

    def width(level):
        return f if configuration["constantGeneratorFilters"] else f << level

    layers = []

    def block(convolution):
        layers.append(convolution)
        if batch_norm:
            layers.append(nn.BatchNorm2d(convolution.out_channels))
        layers.append(nn.ReLU(True))

    block(nn.ConvTranspose2d(configuration["latentSize"], width(d - 1), 4, 1, 0, bias=not batch_norm))
    for level in range(d - 1, 0, -1):
        block(nn.ConvTranspose2d(width(level), width(level - 1), 4, 2, 1, bias=not batch_norm))
    layers.append(nn.ConvTranspose2d(width(0), image_shape[2], 4, 2, 1, bias=True))
    layers.append(nn.Tanh() if configuration["inputRange"] == "-1,1" else nn.Sigmoid())
    return Sequential(layers)


def build_discriminator(configuration, image_shape):
    """Builds the discriminator sgan-train trains for these settings."""
    d = doublings(image_shape[0])
    f = configuration["filters"]
    batch_norm = configuration["discriminatorBatchNorm"]

    def activation():
        return nn.ReLU(True) if configuration["discriminatorReLU"] else nn.LeakyReLU(0.2, True)

    layers = [nn.Conv2d(image_shape[2], f, 4, 2, 1, bias=True), activation()]
    for level in range(1, d):
        layers.append(nn.Conv2d(f << (level - 1), f << level, 4, 2, 1, bias=not batch_norm))
        if batch_norm:
            layers.append(nn.BatchNorm2d(f << level))
        layers.append(activation())
    layers.append(nn.Conv2d(f << (d - 1), 1, 4, 1, 0, bias=False))
    return Sequential(layers)


class Sequential(nn.Module):
    """An nn.Sequential stored as `main`, so keys read main.0.weight as in examples/dcgan."""

    def __init__(self, layers):
        super().__init__()
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x)


def state_dict(checkpoint_path, network):
    """Reads the /generator or /discriminator group into a PyTorch state_dict."""
    result = {}
    with h5py.File(checkpoint_path, "r") as file:
        group = file[network]
        for key in group:
            values = torch.from_numpy(group[key][()])
            if key.endswith("num_batches_tracked"):
                values = values.reshape(()).to(torch.long)
            result[key] = values
    return result
