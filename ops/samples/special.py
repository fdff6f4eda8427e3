"""Sample inputs for erf and erfc: the Taylor region, the Chebyshev region and the tail."""
import numpy as np

import ops
from ops.samples import Case, rng

X = np.concatenate([rng(30).uniform(-0.5, 0.5, 6), rng(31).uniform(-4, 4, 6), [5.5, -6.0]])
CASES = [
    Case("erf", ops.erf, [X], lambda a: a.erf()),
    Case("erfc", ops.erfc, [X], lambda a: a.erfc()),
    Case("erfc", ops.erfc, [np.array([8.0, 12.0, 25.0])], lambda a: a.erfc(), id="tail",
         gradcheck=False),
]
