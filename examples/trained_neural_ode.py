"""Train a small neural ODE with PyTorch, then certify its critical points with validated flows.

A torchdiffeq-style model -- an input ``Linear(2, 3)``, a field
``h' = V tanh(A h + c)`` (``Sequential(Linear(3, 8), Tanh(), Linear(8, 3, bias=False))``)
integrated from 0 to T = 1 (here with a fixed-step RK4, as ``torchdiffeq.odeint(method="rk4")``
would), an output ``Linear(3, 1)`` -- is fitted (seeded, full-batch Adam, a few CPU seconds) to the
double well ``(x1^2 - 1)^2 / 4 + x2^2 / 2`` on [-2, 2]^2, which has two minima and a saddle.  It is
saved as a ``state_dict`` with a small JSON description of its modules and read back with
:func:`symmorse.model.io.load_neural_ode` (``torch.load(weights_only=True)``; the float32 weights
are analysed exactly, as the binary fractions they are).

symmorse then (1) classifies the architecture class of this field: augmented (m = 3 > n = 2), Morse
for almost every weight, proved by a ball witness and re-checked by the kernel; (2) finds the
critical points of the trained Phi (candidates from a float64 Newton in torch on a grid of
[-2, 2]^2) and certifies each one with a
Krawczyk box from validated flows (C^2 Lohner in ball arithmetic), with its Morse index, and
writes them as a certificate that the kernel re-derives.  The list is not claimed complete.
Without PyTorch the demo says so and stops.

Usage: python examples/trained_neural_ode.py [--out DIR] [--steps N]
"""

from __future__ import annotations

import json
import os
import sys

from _common import fit, say, start, write

TARGET = "(x1^2 - 1)^2 / 4 + x2^2 / 2 - 1/2"
PREC = 96  # bits of the validated flows that certify the points (and that the kernel recomputes)


def train(folder: str, steps: int):
    """Fit the target with the torchdiffeq-style model; save its state_dict and description.

    Returns the description's path and the model."""
    import torch

    torch.set_num_threads(1)  # a tiny model: threads only contend
    torch.manual_seed(0)

    class Field(torch.nn.Module):  # torchdiffeq's func(t, h)
        def __init__(self, m: int, k: int) -> None:
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(m, k), torch.nn.Tanh(), torch.nn.Linear(k, m, bias=False)
            )

        def forward(self, t, h):
            return self.net(h)

    class Model(torch.nn.Module):
        def __init__(self, n: int = 2, m: int = 3, k: int = 8, steps: int = 8) -> None:
            super().__init__()
            self.encoder, self.func, self.decoder = torch.nn.Linear(n, m), Field(m, k), torch.nn.Linear(m, 1)
            self.steps = steps

        def forward(self, x):
            h, dt, t = self.encoder(x), 1.0 / self.steps, 0.0
            for _ in range(self.steps):  # RK4 from 0 to T = 1
                k1 = self.func(t, h)
                k2 = self.func(t + dt / 2, h + dt / 2 * k1)
                k3 = self.func(t + dt / 2, h + dt / 2 * k2)
                k4 = self.func(t + dt, h + dt * k3)
                h, t = h + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4), t + dt
            return self.decoder(h)

    grid = torch.linspace(-2, 2, 17)
    x = torch.cartesian_prod(grid, grid)
    y = ((x[:, 0] ** 2 - 1) ** 2 / 4 + x[:, 1] ** 2 / 2 - 0.5)[:, None]
    model = Model()
    loss = fit(model, x, y, steps)
    print(f"trained for {steps} steps: mean squared error {loss:.4f} on the 17 x 17 grid")
    torch.save(model.state_dict(), os.path.join(folder, "trained_node.pt"))
    description = {
        "format": "symmorse-torch-node/1",
        "state_dict": "trained_node.pt",
        "time": "1",
        "activation": "tanh",
        "input": "encoder",
        "field": ["func.net.0", "func.net.2"],
        "output": "decoder",
    }
    return write(folder, "trained_node.json", json.dumps(description, indent=1) + "\n"), model


def candidates(model, size: int = 7) -> list:
    """Approximate critical points of the trained model in [-2, 2]^2: batched Newton in float64 torch
    (RK4 with 64 steps) from a size x size grid.  Only candidates: symmorse certifies them."""
    import torch

    model = model.double()
    model.steps = 64
    grid = torch.linspace(-2, 2, size, dtype=torch.float64)
    x = torch.cartesian_prod(grid, grid)
    for _ in range(20):
        x = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(model(x).sum(), x, create_graph=True)
        rows = [torch.autograd.grad(g[:, i].sum(), x, retain_graph=True)[0] for i in range(2)]
        H = torch.stack(rows, dim=1)
        step = torch.linalg.solve(H + 1e-12 * torch.eye(2, dtype=torch.float64), g[:, :, None])[:, :, 0]
        x = (x - step.clamp(-0.5, 0.5)).detach()
    x = x.detach().requires_grad_(True)
    (g,) = torch.autograd.grad(model(x).sum(), x)
    found = []
    for point, gradient in zip(x.detach().tolist(), g.norm(dim=1).tolist()):
        if (
            gradient < 1e-6
            and max(map(abs, point)) <= 2
            and all(max(abs(a - b) for a, b in zip(point, q)) > 1e-4 for q in found)
        ):
            found.append(point)
    return found


def options(parser) -> None:
    parser.add_argument("--steps", type=int, default=600, help="training steps (default 600)")


def main() -> None:
    args = start("trained_neural_ode", __doc__, options)
    try:
        import torch  # noqa: F401
    except ImportError:
        print("torch is not installed (pip install 'symmorse[torch]'): nothing to train", file=sys.stderr)
        return
    from symmorse.kernel import check_certificate
    from symmorse.model.io import load_neural_ode
    from symmorse.present.node_document import node_certificate_document
    from symmorse.search.node_classify import classify_node
    from symmorse.search.node_critical import certify_critical_points, critical_points_certificate

    description, model = train(args.out, args.steps)
    node, weights = load_neural_ode(description)
    print(f"read back: n = {node.n}, m = {node.m}, k = {node.layers.A.rows} tanh units, T = {node.T}")
    c = classify_node(node)
    say(
        f"The class of this field, for generic weights: {c.node_class}, critical points {c.critical_points}, "
        f"Morse {c.morse} ({c.status}, ball witness)."
    )
    write(args.out, "trained_node_class.json", json.dumps(c.certificate, indent=1) + "\n")
    # the document is written only after the kernel accepts the certificate (it checks it itself)
    write(
        args.out,
        "trained_node_class.tex",
        node_certificate_document(c.certificate, "trained_node_class.json"),
    )
    points = candidates(model)
    print(f"{len(points)} candidate critical points from float64 Newton in torch; certifying each:")
    certified = certify_critical_points(node, weights, points, prec=PREC, refine=1)  # torch's are close
    for point, cert in zip(points, certified):
        status = f"certified, Morse index {cert.index}" if cert else "not certified"
        print(f"  x ~ ({point[0]:.6f}, {point[1]:.6f}): {status}")
    proved = [cert for cert in certified if cert is not None]
    certificate = critical_points_certificate(node, weights, proved, [(-2, 2), (-2, 2)], prec=PREC)
    write(args.out, "trained_node_critical_points.json", json.dumps(certificate, indent=1) + "\n")
    result = check_certificate(certificate)
    print(f"kernel: {'accepted' if result.accepted else 'rejected'}: {result.reason[:160]}...")
    assert result.accepted


if __name__ == "__main__":
    main()
