"""symmorse: exact proofs about the critical points of neural-network maps.

Networks are built from networkx graphs as SymPy expressions; gradients and
Hessians are derived structurally and exactly.  See ``DESIGN.md`` for the
mathematics and ``README.md`` for the command line.

Examples
--------
>>> from symmorse import Network
>>> Network("2,3,1", "tanh").hessian("chart").shape
(2, 2)
"""

__version__ = "0.1.0"

from .activations import Activation, activation_names, get_activation
from .architecture import from_graph, mlp
from .errors import SymmorseError
from .network import Network

__all__ = [
    "Activation",
    "Network",
    "SymmorseError",
    "activation_names",
    "from_graph",
    "get_activation",
    "mlp",
]
