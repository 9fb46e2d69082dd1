"""The training data behind one object: every pass over the rows goes through it.

The training loop never touches ``X`` or ``Y`` directly; it asks a data
object for the loss, the loss and gradients, and the statistics the pruning
criteria need. :class:`InMemoryData` holds numpy (or CSR) arrays; another
object with the same methods (row blocks held out of core, for instance)
can take its place without a change to the loop.
"""

import scipy.sparse as sp

from ._criteria import PruningState
from ._network import loss_and_gradients, loss_value


class InMemoryData:
    """Training rows, encoded targets and sample weights held in memory.

    Parameters
    ----------
    X : {ndarray, sparse matrix} of shape (n_samples, n_features)
        Training data (CSC is converted to CSR once: gradients slice rows).
    Y : ndarray of shape (n_samples, n_outputs)
        Encoded targets.
    sample_weight : ndarray of shape (n_samples,)
        Non-negative sample weights with a positive sum.

    Attributes
    ----------
    sw_sum : float
        Sum of the sample weights, the normaliser of every loss.
    n_samples, n_features, n_outputs : int
        The data's dimensions.
    dtype : numpy dtype
        Floating-point type of ``X`` (and of the network).

    Examples
    --------
    >>> import numpy as np
    >>> from skprune._data import InMemoryData
    >>> data = InMemoryData(np.eye(2), np.eye(2), np.ones(2))
    >>> round(data.loss([np.zeros((2, 2))], [np.zeros(2)], "relu", "log_loss", 0.0), 6)
    0.693147
    """

    def __init__(self, X, Y, sample_weight):
        if sp.issparse(X) and X.format != "csr":
            X = X.tocsr()
        self.X, self.Y, self.sample_weight = X, Y, sample_weight
        self.sw_sum = float(sample_weight.sum())
        self.n_samples, self.n_features = X.shape
        self.n_outputs = Y.shape[1]
        self.dtype = X.dtype

    def loss_and_gradients(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss and its gradients (see :func:`._network.loss_and_gradients`)."""
        return loss_and_gradients(
            self.X, self.Y, self.sample_weight, coefs, intercepts, activation,
            loss, alpha, self.sw_sum,
        )

    def loss(self, coefs, intercepts, activation, loss, alpha):
        """Penalised loss by a forward pass (see :func:`._network.loss_value`)."""
        return loss_value(
            self.X, self.Y, self.sample_weight, coefs, intercepts, activation,
            loss, alpha, self.sw_sum,
        )

    def pruning_state(self, coefs, intercepts, masks, activation, loss, random_state=None):
        """The :class:`._criteria.PruningState` the pruning criteria score."""
        return PruningState(
            coefs, intercepts, masks, self.X, self.sample_weight, activation,
            loss, Y=self.Y, random_state=random_state,
        )

    def max_abs(self):
        """Largest ``|X|`` entry (for error messages)."""
        return float(abs(self.X).max()) if self.n_samples else 0.0

