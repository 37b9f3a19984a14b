"""Train a tiny network, then certify every critical point it has in a box, and draw them.

With PyTorch installed, a 2,8,1 tanh network is trained (seeded, full-batch Adam)
to fit ``sin(x1) cos(x2)`` on [-3, 3]^2, saved with ``torch.save`` and read back
with :func:`symmorse.model.io.load_weights` (``torch.load(weights_only=True)``); the
float32 weights are analysed exactly, as the binary fractions they are.  Without
PyTorch the shipped weights ``examples/data/trained_2_8_1_tanh.json`` (from
such a run) are loaded instead.

symmorse then lists every critical point in [-3, 3]^2, certified in ball
arithmetic, with its Morse index, says whether the list is complete, writes a
LaTeX document with the derivation and the certified points, and draws Phi with
the points marked by index (needs matplotlib).

Usage: python examples/trained_critical_points.py [--out DIR] [--steps N]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys

from _common import fit

from symmorse.model.io import load_weights, write_atomic
from symmorse.model.network import Network
from symmorse.present.documents import weights_document
from symmorse.search.critical import critical_points

HERE = os.path.dirname(os.path.abspath(__file__))
SHIPPED = os.path.join(HERE, "data", "trained_2_8_1_tanh.json")


def train(path: str, steps: int) -> None:
    """Fit sin(x1) cos(x2) with a 2,8,1 tanh network and save the nn.Sequential to ``path``."""
    import torch

    torch.set_num_threads(1)  # a tiny model: threads only contend
    torch.manual_seed(0)
    grid = torch.linspace(-3, 3, 21)
    x = torch.cartesian_prod(grid, grid)
    y = (torch.sin(x[:, 0]) * torch.cos(x[:, 1]))[:, None]
    model = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    loss = fit(model, x, y, steps)
    print(f"trained 2,8,1 tanh for {steps} steps: mean squared error {loss:.4f}")
    torch.save(model, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=".", help="directory for the model, the picture and the JSON")
    parser.add_argument("--steps", type=int, default=300, help="training steps (with torch)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    try:
        import torch  # noqa: F401

        weights = os.path.join(args.out, "trained_model.pt")
        train(weights, args.steps)
    except ImportError:
        weights = SHIPPED
        print(f"torch is not installed: loading {os.path.relpath(weights)}")
    wf = load_weights(weights)
    net = Network(wf.architecture, wf.activation, wf.weights)
    result = critical_points(net, [(-3, 3)], time_limit=60)
    print(result.summary())
    data = os.path.join(args.out, "trained_critical_points.json")
    write_atomic(data, json.dumps(result.to_json(), indent=1))
    print(f"wrote {data}")
    document = os.path.join(args.out, "trained_critical_points.tex")
    write_atomic(document, weights_document(net, os.path.basename(weights), critical=result.to_json()))
    print(f"wrote {document}")
    if importlib.util.find_spec("matplotlib") is None:
        print("matplotlib is not installed: no picture", file=sys.stderr)
        return
    from symmorse.present.plot import plot_critical_points

    picture = os.path.join(args.out, "trained_critical_points.png")
    plot_critical_points(result, net, picture)
    print(f"wrote {picture}")


if __name__ == "__main__":
    main()
