# ---
# jupyter:
#   jupytext:
#     formats: py:percent,ipynb
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # The paper's results, one architecture at a time
#
# Kuehn & Kuntz, *Analysis of the Geometric Structure of Neural Networks and Neural ODEs via
# Morse Functions* (arXiv:2405.09351, **v2, February 2025**) prove statements for whole classes of
# architectures. symmorse proves the conclusion for one concrete architecture, with exact
# arithmetic, and writes a certificate that an independent kernel re-checks. This notebook takes
# the main statements in the paper's order (see `docs/paper-map.md`): for each, the call that
# proves it, a picture of the architecture, and the certificate checked.

# %%
from IPython.display import Image, display

from symmorse import certify, check_certificate, classify
from symmorse.model.architecture import parse_architecture
from symmorse.model.network import Network
from symmorse.present.draw import architecture_drawing, draw
from symmorse.search.normal_form import normal_form


def show(architecture, name):
    """Draw an architecture (symmorse draw) and display the picture."""
    draw(architecture_drawing(architecture), f"{name}.png")
    display(Image(f"{name}.png"))


def proved_and_checked(architecture, activation="tanh"):
    """Certify, print the verdicts, and re-check the certificate with the kernel."""
    cert = certify(parse_architecture(architecture), activation)
    data = cert.to_json()
    result = check_certificate(data)
    print(f"{architecture}: critical points {data['critical_points']}, Morse {data['morse']}, "
          f"status {data['status']}; kernel: {result.reason}")
    assert result.accepted
    return data


# %% [markdown]
# ## 1. Non-augmented MLPs have no critical points
# Widths that never grow (here 4, 3, 2, 1), full-rank weights and σ' > 0: Φ has no critical
# point. symmorse proves σ' > 0 for tanh (exact root counting in the chart) and the verdict
# `none` means: only a null set of weights has critical points.

# %%
show("4,3,2,1", "non_augmented")
data = proved_and_checked("4,3,2,1")
assert data["critical_points"] == "none"

# %% [markdown]
# ## 2. Augmented MLPs without bottleneck are Morse for almost every weight
# A widening step (2 → 3) carries a branch of critical points; one exact rational witness with
# det Hess Φ ≠ 0 proves that critical points exist on an open set of weights and that Φ is Morse
# for almost every weight.

# %%
show("2,3,1", "augmented")
data = proved_and_checked("2,3,1")
witness = next(b for b in data["branches"] if b.get("status") == "witness")
claims = witness["claims"]  # det Hess Phi != 0, proved by its residue modulo a 60-bit prime p
print("witness x =", witness["witness"]["x"], " p =", claims["modulus"])
print("det Hess Phi mod p =", claims["det_hessian_residue"])
assert data["critical_points"] == "generic" and data["morse"] == "generic"

# %% [markdown]
# ## 3. Bottlenecks can force degenerate critical points
# In 3,5,2,4,1 the layer of width 2 is narrower than the input: the widening step after it
# carries manifolds of critical points of dimension n0 − 2 = 1 (degenerate), on an open set of
# weights. The picture shades the widening steps and outlines the minimum cut.

# %%
show("3,5,2,4,1", "bottleneck")
c = classify("3,5,2,4,1")
print([(b.step, b.kind) for b in c.branches])
data = proved_and_checked("3,5,2,4,1")
assert data["morse"] == "fails"

# %% [markdown]
# ## 4. The normal form of rank-deficient weights
# A weight matrix of rank 1 < n0 = 2 factors as W = U V through a layer of width 1: the same Φ,
# now a bottleneck network.

# %%
layers = [{"W": [[1, 2], [2, 4], [-1, -2]], "b": [0, 1, -1]}, {"W": [[1, -2, 3]], "b": [0]}]
nf = normal_form(Network("2,3,1", "tanh", layers))
print(nf.summary())
assert nf.unchanged and nf.classification.kind == "bottleneck"

# %% [markdown]
# ## 5. Neural ODEs: non-augmented ones have no critical points, augmented ones are Morse
# Φ(x) = W̃ φ_T(W x + b) + b̃. With phase space m ≤ n the flow map is a diffeomorphism and Φ has
# no critical point; with m > n critical points exist and are generically non-degenerate. The
# field h' = (0, h1³) has a closed-form flow, so the witness is exact.

# %%
from symmorse.kernel import check_certificate as kernel_check  # noqa: E402
from symmorse.model.node import NeuralODE  # noqa: E402
from symmorse.search.node_classify import classify_node  # noqa: E402

for inputs, field in [(2, "h2, -h1"), (1, "0, h1**3")]:
    node = NeuralODE(inputs, field)
    verdict = classify_node(node, seed=0)
    print(node.describe(), "->", verdict.to_json()["class"], verdict.status)
    if verdict.certificate is not None:
        assert kernel_check(verdict.certificate).accepted

# %% [markdown]
# ## 6. Finite depth is not infinite depth
# A residual block can have a singular Jacobian, so `resnet:1,1,1` has critical points on an open
# set of weights although the neural ODE of the same widths has none. symmorse decides the ResNet
# by its death strata (red: the dead set of the stratum carrying the critical points).

# %%
show("resnet:1,1,1", "resnet")
data = proved_and_checked("resnet:1,1,1")
assert data["critical_points"] == "generic"

# %% [markdown]
# ## 7. Universal embedding, and what non-augmented classes cannot do
# f = x³ + y² has an isolated degenerate critical point at 0. Non-augmented MLPs and neural ODEs
# cannot represent it at all; augmented ones only for a null set of weights. An augmented neural
# ODE (m = n + 1) with a shear field represents it exactly (Φ = f, verified).

# %%
from symmorse.search.embedding import embed, embedding_text  # noqa: E402

e = embed("x**3 + y**2", "x,y")
print(embedding_text(e))

# %% [markdown]
# ## 8. A lower bound on approximation (beyond embedding)
# A class without critical points cannot approximate a target with a strict interior minimum
# well: if sup |f − g| < (min over the boundary of f − f(c))/2 on a box, g would have an interior
# minimum, i.e. a critical point. For f = x² on [−1, 1] the bound is 1/2, proved exactly:

# %%
import numpy as np  # noqa: E402

approximation = embed("x**2", "x").to_json()["approximation"]
print(approximation["statement"], "; classes:", ", ".join(approximation["classes"]))
assert approximation["bound"] == "1/2"

# %% [markdown]
# A non-augmented network (widths 1, 1, 1: g(x) = a tanh(w x + b) + c) trained by gradient descent
# on x² stays above the bound, as it must:

# %%
rng = np.random.default_rng(0)
xs = np.linspace(-1, 1, 201)
a, w, b, c = rng.normal(size=4)
for _ in range(4000):
    t = np.tanh(w * xs + b)
    r = a * t + c - xs**2  # residual
    s = a * (1 - t**2)
    grads = np.array([r @ t, r @ (s * xs), r @ s, r.sum()]) * 2 / xs.size
    a, w, b, c = np.array([a, w, b, c]) - 0.5 * grads
error = np.max(np.abs(a * np.tanh(w * xs + b) + c - xs**2))
print(f"trained: sup |f - g| = {error:.4f} on the grid, bound 1/2")
assert error >= 0.5

# %% [markdown]
# ## Beyond the paper: any DAG
# Skip connections from the inputs to the output: the graph route proves the verdicts by death
# strata, with its own kernel.

# %%
show("2,2,1 --skip 0:out", "skip")
data = proved_and_checked("2,2,1 --skip 0:out")
print(len(data["strata"]), "strata entries, verdicts", data["critical_points"], data["morse"])
