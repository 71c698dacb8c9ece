"""Building blocks shared by the variables."""

from __future__ import annotations

import numpy
from openfisca_core.variables import Variable


class FenVariable(Variable):
    """Money in integer fen, held as int64.

    OpenFisca's ``value_type = int`` is int32, which wraps silently above 21 million yuan — a
    county's monthly total. Subclasses still declare ``value_type = int`` themselves (OpenFisca
    reads each class's own attributes).
    """

    def __init__(self, baseline_variable=None) -> None:
        super().__init__(baseline_variable)
        self.dtype = numpy.int64


def fen(values) -> numpy.ndarray:
    return numpy.asarray(values).astype(numpy.int64)
