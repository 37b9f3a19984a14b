"""What every example shares: its command line, its output directory, and optional pictures.

Each example is run as ``python examples/NAME.py [--out DIR]``; it prints a short
explanation and writes its LaTeX and pictures into DIR (default ``out/NAME``).
Pictures need matplotlib (``pip install 'symmorse[plot]'``); without it an
example says so and writes everything else.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap


def start(name: str, doc: str, options=None) -> argparse.Namespace:
    """Parse ``--out`` (and ``options(parser)``'s), create the directory, print the explanation."""
    parser = argparse.ArgumentParser(
        prog=f"python examples/{name}.py", description=doc.strip().splitlines()[0]
    )
    parser.add_argument("--out", metavar="DIR", default=os.path.join("out", name), help="output directory")
    if options is not None:
        options(parser)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    say(doc)
    return args


def say(text: str) -> None:
    """Print a paragraph, wrapped."""
    for paragraph in textwrap.dedent(text).strip().split("\n\n"):
        print(textwrap.fill(" ".join(paragraph.split()), 88))
        print()


def write(directory: str, filename: str, text: str) -> str:
    """Write a text file into the output directory and say so."""
    from symmorse.model.io import write_atomic

    path = os.path.join(directory, filename)
    write_atomic(path, text)
    print(f"wrote {path}")
    return path


def pyplot():
    """matplotlib.pyplot with a file backend, or None (with a message) if matplotlib is missing."""
    try:
        import matplotlib
    except ImportError:
        print(
            "matplotlib is not installed (pip install 'symmorse[plot]'): no picture this time",
            file=sys.stderr,
        )
        return None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save(plt, fig, directory: str, filename: str) -> str:
    """Save a matplotlib figure into the output directory and say so."""
    path = os.path.join(directory, filename)
    fig.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {path}")
    return path


def fit(model, x, y, steps: int, lr: float = 0.05) -> float:
    """Train a torch model on (x, y) by Adam on the mean squared error; returns the last loss."""
    import torch

    optimiser = torch.optim.Adam(model.parameters(), lr=lr)
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.mean((model(x) - y) ** 2)
        loss.backward()
        optimiser.step()
    return loss.item()
