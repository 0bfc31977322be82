"""A text picture of a projection's connection matrix."""
import numpy as np


def connection_plot(projection, positive="O", zero=".", empty=" ", spacer=""):
    """Return the connection matrix of `projection` as text: one row per
    presynaptic neuron, `positive` where a weight is non-zero, `zero` where it
    is zero and `empty` where there is no connection."""
    weights = np.asarray(projection.get("weight", format="array"), dtype=float)
    image = np.full(weights.shape, empty, dtype=object)
    connected = ~np.isnan(weights)
    image[connected] = np.where(weights[connected] != 0, positive, zero)
    return "\n".join(spacer.join(row) for row in image.tolist())
