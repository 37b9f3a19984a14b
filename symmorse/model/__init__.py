"""The model: activations, architectures (networkx graphs), networks and flows, and their derivatives.

:mod:`~symmorse.model.activations` (sigma, sigma', sigma'' and the chart),
:mod:`~symmorse.model.architecture` (graphs, builders, names of symbols),
:mod:`~symmorse.model.network` (Phi as a SymPy expression; the structured gradient and
Hessian over any ring), :mod:`~symmorse.model.balls` (the same in ball arithmetic),
:mod:`~symmorse.model.node` and :mod:`~symmorse.model.variational` (neural ODEs and
their flows), :mod:`~symmorse.model.io` (reading weights and graphs).  The model
imports only :mod:`symmorse.exact`; it knows nothing of searching, checking or printing.
"""
