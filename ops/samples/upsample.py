"""Sample inputs for interpolate: nearest and (bi)linear, by size and by scale factor,
with and without align_corners, up- and downsampling, 3-D and 4-D input."""
import ops
from ops.samples import Case, rng, torch


def _interpolate(**kwargs):
    def fn(x):
        return ops.interpolate(x, **kwargs)

    def torch_fn(x):
        return torch().nn.functional.interpolate(x, **kwargs)

    return {"fn": fn, "torch_fn": torch_fn,
            "id": "-".join(f"{k}{v}" for k, v in kwargs.items()).replace(" ", "")}


CALLS = [  # (input shape, interpolate keywords)
    ((2, 2, 3, 4), dict(scale_factor=2, mode="nearest")),
    ((1, 2, 5, 4), dict(size=(3, 7), mode="nearest")),
    ((2, 2, 3, 4), dict(scale_factor=2, mode="bilinear", align_corners=False)),
    ((1, 2, 4, 5), dict(size=(7, 3), mode="bilinear", align_corners=True)),
    ((1, 3, 5, 5), dict(scale_factor=(0.6, 1.5), mode="bilinear", align_corners=False)),
    ((2, 3, 5), dict(size=8, mode="linear", align_corners=False)),
    ((2, 1, 6), dict(scale_factor=0.5, mode="nearest")),
]

CASES = [Case("interpolate", inputs=[rng(600 + k).standard_normal(shape)], **_interpolate(**kwargs))
         for k, (shape, kwargs) in enumerate(CALLS)]
